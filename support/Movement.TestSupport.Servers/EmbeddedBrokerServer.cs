using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Movement.Messaging;

namespace Movement.TestSupport;

/// <summary>The embedded MQTTnet broker with the same users and rules as <see cref="MosquittoServer"/>, on a free port.</summary>
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
            Users = [.. MosquittoServer.Users],
        };
        var broker = new EmbeddedBroker(Options.Create(options), NullLogger<EmbeddedBroker>.Instance);
        await broker.StartAsync(CancellationToken.None);
        return new EmbeddedBrokerServer(broker, options.Port);
    }

    public MqttConnectionOptions ConnectionOptions(string user, string? password = MosquittoServer.Password) =>
        MosquittoServer.TestConnectionOptions(Port, user, password);

    public ValueTask DisposeAsync() => _broker.DisposeAsync();
}
