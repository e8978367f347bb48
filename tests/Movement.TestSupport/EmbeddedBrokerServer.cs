using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Movement.Messaging;

namespace Movement.TestSupport;

/// <summary>The embedded MQTTnet broker with the same users as <see cref="MosquittoServer"/>, on a free port.</summary>
public sealed class EmbeddedBrokerServer : IAsyncDisposable
{
    private readonly EmbeddedBroker _broker;

    private EmbeddedBrokerServer(EmbeddedBroker broker, int port)
    {
        _broker = broker;
        Port = port;
    }

    public int Port { get; }

    public static async Task<EmbeddedBrokerServer> StartAsync(int? port = null)
    {
        var options = new BrokerOptions
        {
            Enabled = true,
            Port = port ?? FreePort.Next(),
            Users =
            [
                new BrokerUser { Username = MosquittoServer.GatewayUser, Password = MosquittoServer.Password, Role = BrokerRole.Gateway, Site = "site-1" },
                new BrokerUser { Username = MosquittoServer.ServiceUser, Password = MosquittoServer.Password, Role = BrokerRole.Service, Site = "+" },
                new BrokerUser { Username = MosquittoServer.ReaderUser, Password = MosquittoServer.Password, Role = BrokerRole.ReadOnly, Site = "+" },
            ],
        };
        var broker = new EmbeddedBroker(Options.Create(options), NullLogger<EmbeddedBroker>.Instance);
        await broker.StartAsync(CancellationToken.None);
        return new EmbeddedBrokerServer(broker, options.Port);
    }

    public MqttConnectionOptions ConnectionOptions(string user, string? password = MosquittoServer.Password) =>
        MosquittoServer.TestConnectionOptions(Port, user, password);

    public ValueTask DisposeAsync() => _broker.DisposeAsync();
}
