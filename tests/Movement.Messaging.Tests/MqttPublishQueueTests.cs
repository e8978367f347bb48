using Movement.Protocol;
using Movement.TestSupport;

namespace Movement.Messaging.Tests;

[Trait("Category", "Integration")]
public sealed class MqttPublishQueueTests
{
    [Fact]
    public async Task RunAsync_QueuedBeforeTheConnection_DeliversEveryMessageInOrderOnceConnected()
    {
        await using var broker = await MosquittoServer.StartAsync();
        await using var subscriber = await MqttProbe.ConnectAsync(broker.ConnectionOptions(MosquittoServer.ServiceUser), "queue-sub", [Topics.AllSessions()]);
        using var publisher = new MqttConnection(broker.ConnectionOptions(MosquittoServer.ServiceUser), new MqttConnectionSetup { ClientName = "queue-pub" },
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, TimeProvider.System);
        var queue = new MqttPublishQueue(publisher);
        using var stop = new CancellationTokenSource();
        for (var i = 0; i < 50; i++)
        {
            await queue.EnqueueAsync(Topics.Session("site-1"), BitConverter.GetBytes(i), retain: false, stop.Token);
        }

        // The first publish finds no connection and waits for one; nothing is dropped meanwhile.
        var run = queue.RunAsync(stop.Token);
        var connection = publisher.RunAsync(stop.Token);

        var received = new List<int>();
        while (received.Count < 50)
        {
            var (_, payload) = await subscriber.NextAsync(TimeSpan.FromSeconds(30));
            received.Add(BitConverter.ToInt32(payload));
        }

        Assert.Equal(Enumerable.Range(0, 50), received);
        Assert.Equal(0, queue.Count);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        await connection;
    }

    [Fact]
    public async Task RunAsync_CancelledWhileBrokerDown_EndsAndKeepsTheRest()
    {
        await using var broker = await MosquittoServer.StartAsync();
        await using var publisher = await MqttProbe.ConnectAsync(broker.ConnectionOptions(MosquittoServer.ServiceUser), "queue-down");
        var queue = new MqttPublishQueue(publisher.Connection);
        using var stop = new CancellationTokenSource();
        await broker.StopAsync();
        await queue.EnqueueAsync(Topics.Session("site-1"), [1], retain: false, stop.Token);
        await queue.EnqueueAsync(Topics.Session("site-1"), [2], retain: false, stop.Token);

        var run = queue.RunAsync(stop.Token);
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, queue.Count);
    }
}
