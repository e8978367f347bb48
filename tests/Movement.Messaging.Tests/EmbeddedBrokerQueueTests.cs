using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Movement.TestSupport;

namespace Movement.Messaging.Tests;

/// <summary>How many QoS 1 messages the embedded broker holds for a subscriber that is away, and that drops are counted.</summary>
[Trait("Category", "Integration")]
public sealed class EmbeddedBrokerQueueTests
{
    private const int Published = 300;

    [Theory]
    [InlineData(250, 250)]
    [InlineData(100_000, Published)]
    public async Task Publish_WhileSubscriberAway_QueuesUpToLimitAndCountsDrops(int limit, int expectedDelivered)
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        long dropped = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == meters && instrument.Name == "movement.broker.messages_dropped")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref dropped, value));
        listener.Start();

        var options = new BrokerOptions
        {
            Enabled = true,
            Port = FreePort.Next(),
            MaxPendingMessagesPerClient = limit,
            Users = [new BrokerUser { Username = MosquittoServer.ServiceUser, Password = MosquittoServer.Password, Role = BrokerRole.Service }],
        };
        await using var broker = new EmbeddedBroker(Options.Create(options), NullLogger<EmbeddedBroker>.Instance, meters);
        await broker.StartAsync(CancellationToken.None);
        var connection = new MqttConnectionOptions
        {
            Port = options.Port,
            Username = MosquittoServer.ServiceUser,
            Password = MosquittoServer.Password,
            ClientIdPrefix = "queue-test",
        };
        var topic = Protocol.Topics.Session("site-1");

        // Subscribe with a persistent session, then go away: the broker queues for the session.
        await (await MqttProbe.ConnectAsync(connection, "sub", [topic], persistent: true)).DisposeAsync();
        await using (var publisher = await MqttProbe.ConnectAsync(connection, "pub"))
        {
            for (var i = 0; i < Published; i++)
            {
                await publisher.Connection.PublishAsync(topic, BitConverter.GetBytes(i), retain: false, CancellationToken.None);
            }
        }

        await using var subscriber = await MqttProbe.ConnectAsync(connection, "sub", [topic], persistent: true);
        var first = BitConverter.ToInt32((await subscriber.NextAsync()).Payload);
        for (var i = 1; i < expectedDelivered; i++)
        {
            await subscriber.NextAsync();
        }

        Assert.Equal(Published - expectedDelivered, first); // the oldest went first

        // Drops are counted. MQTTnet reports an offline session's overflow more than once per message (100 events
        // for these 50 drops), so the count is a lower bound there; live subscribers report one per drop.
        var expectedDrops = Published - expectedDelivered;
        if (expectedDrops == 0)
        {
            Assert.Equal(0, Interlocked.Read(ref dropped));
        }
        else
        {
            Assert.InRange(Interlocked.Read(ref dropped), expectedDrops, 2 * expectedDrops);
        }
    }
}
