using Microsoft.Extensions.Time.Testing;

namespace Movement.Messaging.Tests;

public sealed class BackoffTests
{
    /// <summary>A fake clock that says when a delay has been scheduled, so a test advances time only once a retry waits.</summary>
    private sealed class SignallingTimeProvider : FakeTimeProvider
    {
        public SemaphoreSlim TimerCreated { get; } = new(0);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            TimerCreated.Release();
            return timer;
        }
    }

    private static readonly TimeSpan Min = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Forever_FailsThenSucceeds_RetriesAfterDelaysWithinMax()
    {
        var time = new SignallingTimeProvider();
        var delays = new List<TimeSpan>();
        var attempts = 0;
        var pipeline = Backoff.Forever(Min, Max, time, ex => ex is IOException, (_, delay) => delays.Add(delay));

        var run = pipeline.ExecuteAsync(_ => ++attempts <= 6 ? throw new IOException("down") : ValueTask.CompletedTask).AsTask();
        for (var retry = 0; retry < 6; retry++)
        {
            await time.TimerCreated.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.False(run.IsCompleted);
            time.Advance(delays[retry]);
        }

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(7, attempts);
        Assert.Equal(6, delays.Count);
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, Max));
        Assert.True(delays[0] > TimeSpan.Zero);
    }

    [Fact]
    public async Task Forever_ManyFailures_DelaysAreJitteredAndCappedAtMax()
    {
        var time = new SignallingTimeProvider();
        var delays = new List<TimeSpan>();
        var pipeline = Backoff.Forever(Min, Max, time, _ => true, (_, delay) => delays.Add(delay));
        var attempts = 0;

        var run = pipeline.ExecuteAsync(_ => ++attempts <= 30 ? throw new InvalidOperationException("still down") : ValueTask.CompletedTask).AsTask();
        for (var retry = 0; retry < 30; retry++)
        {
            await time.TimerCreated.WaitAsync(TimeSpan.FromSeconds(10));
            time.Advance(delays[retry]);
        }

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, Max));
        // Late delays sit near the cap; early ones are jittered, not the plain doubling 100, 200, 400, 800 ms.
        Assert.True(delays.Skip(20).Average(d => d.TotalMilliseconds) > Max.TotalMilliseconds / 4);
        Assert.Contains(Enumerable.Range(0, 4), i => delays[i] != Min * Math.Pow(2, i));
    }

    [Fact]
    public async Task Forever_ExceptionNotRetried_Propagates()
    {
        var time = new FakeTimeProvider();
        var pipeline = Backoff.Forever(Min, Max, time, ex => ex is IOException);

        await Assert.ThrowsAsync<FormatException>(async () => await pipeline.ExecuteAsync(_ => throw new FormatException("bad")));
    }

    [Fact]
    public async Task Forever_CancelledWhileWaiting_EndsWithCancellation()
    {
        var time = new SignallingTimeProvider();
        var pipeline = Backoff.Forever(Min, Max, time, _ => true);
        using var stop = new CancellationTokenSource();

        var run = pipeline.ExecuteAsync(_ => throw new IOException("down"), stop.Token).AsTask();
        await time.TimerCreated.WaitAsync(TimeSpan.FromSeconds(10));
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Forever_CallerCancelsInsideAttempt_IsNotRetried()
    {
        var time = new FakeTimeProvider();
        var attempts = 0;
        var pipeline = Backoff.Forever(Min, Max, time, _ => true);
        using var stop = new CancellationTokenSource();
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pipeline.ExecuteAsync(token =>
        {
            attempts++;
            token.ThrowIfCancellationRequested();
            return ValueTask.CompletedTask;
        }, stop.Token));
        Assert.True(attempts <= 1);
    }

    [Theory]
    [InlineData(0, 1000)]
    [InlineData(-5, 1000)]
    [InlineData(500, 100)]
    public void Forever_BadDelays_Throws(int minMs, int maxMs) =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Backoff.Forever(TimeSpan.FromMilliseconds(minMs), TimeSpan.FromMilliseconds(maxMs), TimeProvider.System, _ => true));
}
