using Movement.Protocol;
using Movement.TestSupport;

namespace Movement.Messaging.Tests;

[Trait("Category", "Integration")]
public sealed class MqttConnectionTests
{
    [Fact]
    public async Task RunAsync_BrokerRestarts_ReconnectsAndResubscribes()
    {
        await using var broker = await MosquittoServer.StartAsync();
        await using var subscriber = await MqttProbe.ConnectAsync(broker.ConnectionOptions(MosquittoServer.ServiceUser), "resub", [Topics.AllSessions()]);

        await broker.StopAsync();
        await broker.StartProcessAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var publisher = await MqttProbe.ConnectAsync(broker.ConnectionOptions(MosquittoServer.ServiceUser), "pub");

        // The subscriber notices the restart on its own; keep publishing until its new subscription delivers.
        byte[]? received = null;
        while (received is null)
        {
            await publisher.Connection.PublishAsync(Topics.Session("site-1"), "after-restart"u8.ToArray(), retain: false, timeout.Token);
            try
            {
                received = (await subscriber.NextAsync(TimeSpan.FromMilliseconds(250))).Payload;
            }
            catch (OperationCanceledException) when (!timeout.IsCancellationRequested)
            {
            }
        }

        Assert.Equal("after-restart"u8.ToArray(), received);
    }

    [Fact]
    public async Task PublishAsync_BrokerDown_ThrowsNotConnected()
    {
        await using var broker = await MosquittoServer.StartAsync();
        await using var publisher = await MqttProbe.ConnectAsync(broker.ConnectionOptions(MosquittoServer.ServiceUser), "down");

        await broker.StopAsync();

        await Assert.ThrowsAsync<MqttNotConnectedException>(async () =>
        {
            // The first publish after the socket dies may still be written; the connection notices within a few tries.
            for (var i = 0; i < 100; i++)
            {
                await publisher.Connection.PublishAsync(Topics.Session("site-1"), "x"u8.ToArray(), retain: false, CancellationToken.None);
                await Task.Delay(50);
            }
        });
    }

    [Fact]
    public async Task RunAsync_BrokerKilledJustBeforeShutdown_EndsWithoutThrowing()
    {
        await using var broker = await MosquittoServer.StartAsync();
        var connection = new MqttConnection(broker.ConnectionOptions(MosquittoServer.ServiceUser), new MqttConnectionSetup { ClientName = "bye" },
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, TimeProvider.System);
        using var stop = new CancellationTokenSource();
        var run = connection.RunAsync(stop.Token);
        await connection.WaitConnectedAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        // Stop before the client notices the socket is gone: its goodbye then meets a dead socket, which must not
        // turn a clean shutdown into a failure.
        await broker.StopAsync();
        await stop.CancelAsync();
        await run;

        Assert.False(connection.IsConnected);
        connection.Dispose();
    }

    [Fact]
    public async Task RunAsync_RestartedWhileTheBrokerKeptItsSession_GetsTheRetainedSessionAgain()
    {
        await using var broker = await MosquittoServer.StartAsync();
        await using (var dashboard = await MqttProbe.ConnectAsync(broker.ConnectionOptions(MosquittoServer.ServiceUser), "dashboard"))
        {
            await dashboard.Connection.PublishAsync(Topics.Session("site-1"), "session-3"u8.ToArray(), retain: true, CancellationToken.None);
        }

        await using (var first = await MqttProbe.ConnectAsync(broker.ConnectionOptions(MosquittoServer.ServiceUser), "classifier", [Topics.AllSessions()], persistent: true))
        {
            Assert.Equal("session-3"u8.ToArray(), (await first.NextAsync()).Payload);
        }

        // A new process with the same client id: mosquitto still holds the persistent session and says so.
        await using var restarted = await MqttProbe.ConnectAsync(broker.ConnectionOptions(MosquittoServer.ServiceUser), "classifier", [Topics.AllSessions()], persistent: true);

        Assert.Equal("session-3"u8.ToArray(), (await restarted.NextAsync()).Payload);
    }
}

