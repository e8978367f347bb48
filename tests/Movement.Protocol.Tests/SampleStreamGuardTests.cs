using Microsoft.Extensions.Time.Testing;

namespace Movement.Protocol.Tests;

public sealed class SampleStreamGuardTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);

    /// <summary>A 100 ms batch of 10 samples at 100 Hz starting <paramref name="startMs"/> ms after <see cref="Now"/>.</summary>
    private static SampleBatch Batch(uint sequence, long startMs, float gyro = 0.5f, float accel = 9.81f)
    {
        var startUs = (Now.ToUnixTimeMilliseconds() + startMs) * 1000;
        return new SampleBatch(sequence, 100, true,
            [.. Enumerable.Range(0, 10).Select(i => new ImuSample(startUs + (i * 10_000), 0.1f, accel, 0.2f, gyro, 0, 0))]);
    }

    private SampleStreamGuard GuardAfter(int goodBatches)
    {
        var guard = new SampleStreamGuard(_time);
        for (var i = 0; i < goodBatches; i++)
        {
            Assert.True(guard.TryAccept(Batch((uint)i, (i * 100) - 10_000), out var reason), reason);
        }

        return guard;
    }

    [Fact]
    public void TryAccept_ContinuousStream_AcceptsEveryBatch() => GuardAfter(20);

    public static TheoryData<string, SampleBatch, string> Implausible() => new()
    {
        { "year 9999", new SampleBatch(5, 100, true, [new ImuSample(253_402_000_000_000_000, 0, 9.81f, 0, 0, 0, 0)]), "ahead of this clock" },
        { "1970", new SampleBatch(5, 100, true, [new ImuSample(1_000_000, 0, 9.81f, 0, 0, 0, 0)]), "before this clock" },
        { "sequence jump", Batch(5 + 999_999, -9_500), "does not follow" },
        { "gyro 3e38", Batch(5, -9_500, gyro: 3e38f), "±2000 °/s" },
        { "gyro 1e6", Batch(5, -9_500, gyro: 1e6f), "±2000 °/s" },
        { "accel 1000 g", Batch(5, -9_500, accel: 9806f), "±16 g" },
        { "backwards", Batch(5, -60_000), "before the previous batch ended" },
        { "far ahead of the stream", Batch(5, -9_500 + 31_000), "not yet confirmed" },
        { "duplicate", Batch(4, -9_600), "duplicate" },
        { "empty", new SampleBatch(5, 100, true, []), "no samples" },
    };

    [Theory]
    [MemberData(nameof(Implausible))]
    public void TryAccept_ImplausibleBatch_RejectedWithReasonAndTheNextGoodBatchAccepted(string what, SampleBatch bad, string reasonPart)
    {
        var guard = GuardAfter(5);

        Assert.False(guard.TryAccept(bad, out var reason), what);
        Assert.Contains(reasonPart, reason, StringComparison.Ordinal);
        Assert.True(guard.TryAccept(Batch(5, -9_500), out reason), reason);
    }

    [Fact]
    public void TryAccept_GatewayRestartsItsCounter_FollowsTheNewCounterAfterAFewBatches()
    {
        var guard = GuardAfter(50);
        var accepted = new List<bool>();
        for (uint i = 0; i < 5; i++)
        {
            accepted.Add(guard.TryAccept(Batch(i, ((long)i * 100) - 4_000), out _));
        }

        Assert.Equal([false, false, true, true, true], accepted);
    }

    [Fact]
    public void TryAccept_OneRogueBatchAmongGoodOnes_NeverReanchorsOnIt()
    {
        var guard = GuardAfter(5);
        for (uint i = 5; i < 20; i++)
        {
            Assert.False(guard.TryAccept(Batch(i + 500_000, -9_500), out _));
            Assert.True(guard.TryAccept(Batch(i, ((long)i * 100) - 10_000), out var reason), reason);
        }
    }

    [Fact]
    public void TryAccept_SensorBackAfterAMinutesSilence_FollowedFromItsThirdBatch()
    {
        var guard = GuardAfter(5); // the last accepted batch ends 9.51 s before now; the sensor is back 50 s later
        var accepted = new List<bool>();
        for (uint i = 5; i < 10; i++)
        {
            accepted.Add(guard.TryAccept(Batch(i, 40_500 + ((i - 5) * 100L)), out _));
        }

        Assert.Equal([false, false, true, true, true], accepted);
    }

    [Fact]
    public void TryAccept_TimePassesOnTheReceiver_ClockWindowMovesWithIt()
    {
        var guard = new SampleStreamGuard(_time);
        var ahead = Batch(0, (long)SampleStreamGuard.MaxAhead.TotalMilliseconds + 1_000);

        Assert.False(guard.TryAccept(ahead, out _));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(guard.TryAccept(ahead, out var reason), reason);
    }

    [Fact]
    public void TryAccept_OldBatchesRedelivered_RejectedWithoutLeavingTheStream()
    {
        var guard = GuardAfter(20);
        // Batches 10-18 again (19, the last accepted, would be a duplicate), as a broker redelivers after a reconnect.
        for (uint i = 10; i < 19; i++)
        {
            Assert.False(guard.TryAccept(Batch(i, ((long)i * 100) - 10_000), out var reason));
            Assert.Contains("redelivery", reason, StringComparison.Ordinal);
        }

        Assert.True(guard.TryAccept(Batch(20, (20 * 100) - 10_000), out var next), next);
    }
}

