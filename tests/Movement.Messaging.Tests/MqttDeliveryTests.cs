namespace Movement.Messaging.Tests;

public sealed class MqttDeliveryTests
{
    [Fact]
    public async Task UntilDeliveredAsync_NotConnectedThenTimeoutThenSuccess_RetriesAfterEachReconnect()
    {
        var failures = new Queue<Exception>([new MqttNotConnectedException("down"), new OperationCanceledException("MQTTnet publish timeout")]);
        var publishes = 0;
        var waits = 0;

        var delivered = await MqttDelivery.UntilDeliveredAsync(
            _ =>
            {
                publishes++;
                return failures.TryDequeue(out var failure) ? Task.FromException(failure) : Task.CompletedTask;
            },
            _ =>
            {
                waits++;
                return Task.CompletedTask;
            },
            _ => Assert.Fail("nothing was refused"),
            CancellationToken.None);

        Assert.True(delivered);
        Assert.Equal(3, publishes);
        Assert.Equal(2, waits);
    }

    [Fact]
    public async Task UntilDeliveredAsync_Refused_ReportsAndReturnsFalse()
    {
        MqttPublishRefusedException? reported = null;

        var delivered = await MqttDelivery.UntilDeliveredAsync(
            _ => Task.FromException(new MqttPublishRefusedException("not authorised")),
            _ => Task.CompletedTask,
            ex => reported = ex,
            CancellationToken.None);

        Assert.False(delivered);
        Assert.Equal("not authorised", reported?.Message);
    }

    [Fact]
    public async Task UntilDeliveredAsync_HostCancelled_EndsInsteadOfRetrying()
    {
        using var stop = new CancellationTokenSource();
        var publishes = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => MqttDelivery.UntilDeliveredAsync(
            token =>
            {
                publishes++;
                stop.Cancel();
                token.ThrowIfCancellationRequested();
                return Task.CompletedTask;
            },
            token => Task.FromCanceled(token),
            _ => Assert.Fail("nothing was refused"),
            stop.Token));
        Assert.Equal(1, publishes);
    }

    [Fact]
    public async Task UntilDeliveredAsync_HostCancelledWhileWaitingForBroker_Ends()
    {
        using var stop = new CancellationTokenSource();
        var reconnected = new TaskCompletionSource();

        var run = MqttDelivery.UntilDeliveredAsync(
            _ => Task.FromException(new MqttNotConnectedException("down")),
            token => reconnected.Task.WaitAsync(token),
            _ => Assert.Fail("nothing was refused"),
            stop.Token);
        Assert.False(run.IsCompleted);
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }
}
