using System.Collections.Concurrent;
using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Movement.TestSupport;

namespace Movement.Messaging.Tests;

/// <summary>Both brokers, one broker each for the class.</summary>
public sealed class BothBrokers : IAsyncLifetime
{
    public EmbeddedBrokerServer Embedded { get; private set; } = null!;

    public MosquittoServer Mosquitto { get; private set; } = null!;

    public int Port(string broker) => broker == "embedded" ? Embedded.Port : Mosquitto.Port;

    public async Task InitializeAsync()
    {
        Embedded = await EmbeddedBrokerServer.StartAsync();
        Mosquitto = await MosquittoServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Embedded.DisposeAsync();
        await Mosquitto.DisposeAsync();
    }
}

/// <summary>
/// Every component's account, allowed and refused actions, against the embedded broker and Debian's mosquitto with the
/// ACL written from the same rules. "Refused" is judged by what reaches a reader, since mosquitto grants a denied
/// subscription and filters at delivery.
/// </summary>
[Trait("Category", "Integration")]
public sealed class BrokerRoleTests(BothBrokers brokers) : IClassFixture<BothBrokers>
{
    private const string Marker = "movement/v1/site-1/session";

    public static TheoryData<string, string, string, bool> Publishes()
    {
        var cases = new (string User, string Topic, bool Allowed)[]
        {
            (MosquittoServer.GatewayUser, "movement/v1/site-1/sensors/s1/samples", true),
            (MosquittoServer.GatewayUser, "movement/v1/site-1/sensors/s1/steps", true),
            (MosquittoServer.GatewayUser, "movement/v1/site-1/sensors/s1/status", true),
            (MosquittoServer.GatewayUser, "movement/v1/site-1/gateways/gw-1/availability", true),
            (MosquittoServer.GatewayUser, "movement/v1/site-1/sensors/s1/claim", true),
            (MosquittoServer.GatewayUser, "movement/v1/site-2/sensors/s1/claim", false),
            (MosquittoServer.GatewayUser, "movement/v1/site-2/sensors/s1/samples", false),
            (MosquittoServer.GatewayUser, "movement/v1/site-1/participants/p1/events/rep", false),
            (MosquittoServer.GatewayUser, "movement/v1/site-1/session", false),
            (MosquittoServer.ClassifierUser, "movement/v1/site-1/participants/p1/events/rep", true),
            (MosquittoServer.ClassifierUser, "movement/v1/site-1/sensors/s1/samples", false),
            (MosquittoServer.ClassifierUser, "movement/v1/site-1/session", false),
            (MosquittoServer.RecorderUser, "movement/v1/site-1/participants/p1/events/rep", false),
            (MosquittoServer.RecorderUser, "movement/v1/site-1/session", false),
            (MosquittoServer.DashboardUser, "movement/v1/site-1/session", true),
            (MosquittoServer.DashboardUser, "movement/v1/site-2/session", false),
            (MosquittoServer.DashboardUser, "movement/v1/site-1/sensors/s1/samples", false),
            (MosquittoServer.DashboardUser, "movement/v1/site-1/participants/p1/events/rep", false),
            (MosquittoServer.ReaderUser, "movement/v1/site-1/session", false),
            (MosquittoServer.BridgeUser, "movement/v1/site-1/participants/p1/events/rep", true),
            (MosquittoServer.BridgeUser, "movement/v1/site-1/session", true),
            (MosquittoServer.BridgeUser, "movement/v1/site-1/sensors/s1/status", true),
            (MosquittoServer.BridgeUser, "movement/v1/site-1/sensors/s1/claim", false),
            (MosquittoServer.BridgeUser, "movement/v1/site-2/participants/p1/events/rep", false),
            (MosquittoServer.BridgeUser, "movement/v1/site-2/session", false),
            (MosquittoServer.HomeHubUser, $"movement/v1/site-1/sensors/{MosquittoServer.HomeHubSensor}/steps", true),
            (MosquittoServer.HomeHubUser, $"movement/v1/site-1/sensors/{MosquittoServer.HomeHubSensor}/status", true),
            (MosquittoServer.HomeHubUser, $"movement/v1/site-1/gateways/{MosquittoServer.HomeHubUser}/availability", true),
            (MosquittoServer.HomeHubUser, "movement/v1/site-1/sensors/step-2/steps", false),
            (MosquittoServer.HomeHubUser, "movement/v1/site-1/sensors/step-2/status", false),
            (MosquittoServer.HomeHubUser, $"movement/v1/site-2/sensors/{MosquittoServer.HomeHubSensor}/steps", false),
            (MosquittoServer.HomeHubUser, $"movement/v1/site-1/sensors/{MosquittoServer.HomeHubSensor}/samples", false),
            (MosquittoServer.HomeHubUser, $"movement/v1/site-1/sensors/{MosquittoServer.HomeHubSensor}/claim", false),
            (MosquittoServer.HomeHubUser, "movement/v1/site-1/gateways/gw-1/availability", false),
            (MosquittoServer.HomeHubUser, "movement/v1/site-1/participants/p1/events/rep", false),
            (MosquittoServer.HomeHubUser, "movement/v1/site-1/session", false),
        };
        return OnBothBrokers(cases);
    }

    public static TheoryData<string, string, string, bool> Subscriptions()
    {
        var cases = new (string User, string Filter, bool Allowed)[]
        {
            (MosquittoServer.GatewayUser, "movement/v1/site-1/sensors/+/samples", false),
            (MosquittoServer.GatewayUser, "movement/v1/site-1/participants/+/events/+", false),
            (MosquittoServer.GatewayUser, "movement/v1/site-1/sensors/+/claim", true),
            (MosquittoServer.GatewayUser, "movement/v1/site-1/gateways/+/availability", true),
            (MosquittoServer.GatewayUser, "movement/v1/site-1/sensors/+/status", false),
            (MosquittoServer.ClassifierUser, "movement/v1/+/sensors/+/samples", true),
            (MosquittoServer.ClassifierUser, "movement/v1/+/participants/+/events/+", false),
            (MosquittoServer.ClassifierUser, "movement/v1/+/sensors/+/status", false),
            (MosquittoServer.RecorderUser, "movement/v1/+/participants/+/events/+", true),
            (MosquittoServer.RecorderUser, "movement/v1/+/sensors/+/steps", true),
            (MosquittoServer.RecorderUser, "movement/v1/+/sensors/+/status", false),
            (MosquittoServer.DashboardUser, "movement/v1/site-1/participants/+/events/+", true),
            (MosquittoServer.DashboardUser, "movement/v1/site-1/sensors/+/status", true),
            (MosquittoServer.DashboardUser, "movement/v1/site-1/sensors/+/samples", false),
            (MosquittoServer.DashboardUser, "movement/v1/site-2/participants/+/events/+", false),
        };
        return OnBothBrokers(cases);
    }

    /// <summary>Every case once per broker: the embedded one and mosquitto with the ACL written from the same rules.</summary>
    private static TheoryData<string, string, string, bool> OnBothBrokers((string User, string Topic, bool Allowed)[] cases)
    {
        var data = new TheoryData<string, string, string, bool>();
        foreach (var broker in new[] { "embedded", "mosquitto" })
        {
            foreach (var (user, topic, allowed) in cases)
            {
                data.Add(broker, user, topic, allowed);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Publishes))]
    public async Task Publish_AccountAndTopic_DeliveredOnlyWhereTheRoleAllows(string broker, string user, string topic, bool allowed)
    {
        var port = brokers.Port(broker);
        await using var reader = await Client.ConnectAsync(port, MosquittoServer.ServiceUser, ["movement/v1/#"]);
        await using var publisher = await Client.ConnectAsync(port, user, []);
        var payload = Guid.NewGuid().ToString();

        await publisher.PublishAsync(topic, payload);
        var seen = await reader.ReceiveUntilMarkerAsync(port);

        Assert.Equal(allowed, seen.Contains((topic, payload)));
    }

    [Theory]
    [MemberData(nameof(Subscriptions))]
    public async Task Subscribe_AccountAndFilter_ReceivesOnlyWhereTheRoleAllows(string broker, string user, string filter, bool allowed)
    {
        var port = brokers.Port(broker);
        await using var subscriber = await Client.ConnectAsync(port, user, [filter, Marker]);
        await using var service = await Client.ConnectAsync(port, MosquittoServer.ServiceUser, []);
        var topic = string.Join('/', filter.Split('/').Select((part, i) => part != "+" ? part : i == 2 ? "site-1" : "x1"));
        var payload = Guid.NewGuid().ToString();

        await service.PublishAsync(topic, payload);
        var seen = await subscriber.ReceiveUntilMarkerAsync(port);

        Assert.Equal(allowed, seen.Contains((topic, payload)));
    }

    /// <summary>A plain MQTTnet v5 client that keeps every message it receives.</summary>
    private sealed class Client : IAsyncDisposable
    {
        private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
        private readonly BlockingCollection<(string Topic, string Payload)> _received = [];

        public static async Task<Client> ConnectAsync(int port, string user, string[] filters)
        {
            var client = new Client();
            client._client.ApplicationMessageReceivedAsync += e =>
            {
                client._received.Add((e.ApplicationMessage.Topic, Encoding.UTF8.GetString(e.ApplicationMessage.Payload)));
                return Task.CompletedTask;
            };
            var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId($"roles-{user}-{Guid.NewGuid():N}")
                .WithProtocolVersion(MqttProtocolVersion.V500).WithCredentials(user, MosquittoServer.Password).Build();
            var connected = await client._client.ConnectAsync(options);
            Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
            foreach (var filter in filters)
            {
                // The embedded broker answers a refused filter NotAuthorized; mosquitto grants it and filters at delivery.
                await client._client.SubscribeAsync(filter, MqttQualityOfServiceLevel.AtLeastOnce);
            }

            return client;
        }

        public Task<MqttClientPublishResult> PublishAsync(string topic, string payload) =>
            _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        /// <summary>
        /// Has the service account publish a marker that this client may read, after whatever the test published, and
        /// returns everything received up to it: a message the broker let through would have arrived first.
        /// </summary>
        public async Task<List<(string Topic, string Payload)>> ReceiveUntilMarkerAsync(int port)
        {
            var marker = "marker-" + Guid.NewGuid();
            await using (var service = await ConnectAsync(port, MosquittoServer.ServiceUser, []))
            {
                await service.PublishAsync(Marker, marker);
            }

            var seen = new List<(string, string)>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            foreach (var message in _received.GetConsumingEnumerable(timeout.Token))
            {
                if (message.Payload == marker)
                {
                    return seen;
                }

                seen.Add(message);
            }

            throw new TimeoutException("the marker never arrived");
        }

        public async ValueTask DisposeAsync()
        {
            await _client.DisconnectAsync();
            _client.Dispose();
            _received.Dispose();
        }
    }
}
