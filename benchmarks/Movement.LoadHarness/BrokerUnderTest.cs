using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Movement.Messaging;
using Movement.TestSupport;

namespace Movement.LoadHarness;

/// <summary>
/// The broker a run goes through, on a free loopback port: the embedded MQTTnet broker registered with
/// AddMovementBroker in its own host in this process, or mosquitto as a private child process. Both have
/// the same users (those of <see cref="MosquittoServer"/>): "gateway" writes site-1's sensor topics,
/// "service" reads and writes everything.
/// </summary>
public sealed class BrokerUnderTest : IAsyncDisposable
{
    public const string Site = "site-1";
    private readonly IHost? _host;
    private readonly MosquittoServer? _mosquitto;

    private BrokerUnderTest(BrokerKind kind, int port, IHost? host, MosquittoServer? mosquitto)
    {
        Kind = kind;
        Port = port;
        _host = host;
        _mosquitto = mosquitto;
    }

    public BrokerKind Kind { get; }

    public int Port { get; }

    /// <param name="moreUsers">mosquitto only: accounts besides the test users (the central run's one per site).</param>
    /// <param name="mosquittoConfiguration">mosquitto only: lines added to its configuration.</param>
    public static async Task<BrokerUnderTest> StartAsync(BrokerKind kind, int? queuePerClient, CancellationToken cancellationToken,
        IReadOnlyList<BrokerUser>? moreUsers = null, string mosquittoConfiguration = "")
    {
        if (kind == BrokerKind.Mosquitto)
        {
            var mosquitto = await MosquittoServer.StartAsync(extraConfiguration: mosquittoConfiguration, users: [.. MosquittoServer.Users, .. moreUsers ?? []]);
            return new BrokerUnderTest(kind, mosquitto.Port, null, mosquitto);
        }

        var port = FreePort.Next();
        var settings = new Dictionary<string, string?>
        {
            ["Movement:Broker:Enabled"] = "true",
            ["Movement:Broker:BindAddress"] = "127.0.0.1",
            ["Movement:Broker:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Movement:Broker:Users:0:Username"] = MosquittoServer.GatewayUser,
            ["Movement:Broker:Users:0:Password"] = MosquittoServer.Password,
            ["Movement:Broker:Users:0:Role"] = nameof(BrokerRole.Gateway),
            ["Movement:Broker:Users:0:Site"] = Site,
            ["Movement:Broker:Users:1:Username"] = MosquittoServer.ServiceUser,
            ["Movement:Broker:Users:1:Password"] = MosquittoServer.Password,
            ["Movement:Broker:Users:1:Role"] = nameof(BrokerRole.Service),
            ["Movement:Broker:Users:1:Site"] = "+",
        };
        if (queuePerClient is { } queue)
        {
            settings["Movement:Broker:MaxPendingMessagesPerClient"] = queue.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var builder = HarnessHost.CreateBuilder(settings);
        builder.Services.AddMovementBroker();
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return new BrokerUnderTest(kind, port, host, null);
    }

    /// <summary>Connection settings for one of the broker's users.</summary>
    public MqttConnectionOptions ConnectionOptions(string user, string password = MosquittoServer.Password)
    {
        var options = MosquittoServer.TestConnectionOptions(Port, user, password);
        options.ClientIdPrefix = "harness";
        return options;
    }

    /// <summary>Configuration keys that point a component's connection at this broker as <paramref name="user"/> ("service" unless given).</summary>
    public IEnumerable<KeyValuePair<string, string?>> ServiceConnectionSettings(string componentSection, string user = MosquittoServer.ServiceUser) =>
    [
        new("Movement:Mqtt:Host", "127.0.0.1"),
        new("Movement:Mqtt:Port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Movement:Mqtt:ClientIdPrefix", "harness"),
        new($"{componentSection}:Mqtt:Username", user),
        new($"{componentSection}:Mqtt:Password", MosquittoServer.Password),
    ];

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }

        if (_mosquitto is not null)
        {
            await _mosquitto.DisposeAsync();
        }
    }
}
