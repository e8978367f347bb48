using Microsoft.Extensions.Time.Testing;
using Movement.Dashboard.Access;

namespace Movement.Dashboard.Tests.Access;

public sealed class FailureDelaysTests
{
    private const int Free = 3;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Remaining_FewerFailuresThanFree_NoWait()
    {
        var delays = new FailureDelays(_time, Free);
        for (var i = 1; i < Free; i++)
        {
            delays.RecordFailure("user:A");
        }

        Assert.Equal(TimeSpan.Zero, delays.Remaining("user:A"));
    }

    [Fact]
    public void Remaining_EachFurtherFailure_DoublesTheWaitUpToTheMaximum()
    {
        var delays = new FailureDelays(_time, Free);
        var waits = new List<TimeSpan>();
        for (var i = 0; i < Free + 10; i++)
        {
            delays.RecordFailure("address:10.0.0.9");
            waits.Add(delays.Remaining("address:10.0.0.9"));
        }

        Assert.Equal(FailureDelays.FirstDelay, waits[Free - 1]);
        Assert.Equal(FailureDelays.FirstDelay * 2, waits[Free]);
        Assert.Equal(FailureDelays.FirstDelay * 4, waits[Free + 1]);
        Assert.Equal(FailureDelays.MaxDelay, waits[^1]);
    }

    [Fact]
    public void Remaining_TimePasses_WaitEndsWithoutALock()
    {
        var delays = new FailureDelays(_time, Free);
        for (var i = 0; i < Free; i++)
        {
            delays.RecordFailure("user:A");
        }

        _time.Advance(FailureDelays.FirstDelay - TimeSpan.FromMilliseconds(1));
        Assert.Equal(TimeSpan.FromMilliseconds(1), delays.Remaining("user:A"));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(TimeSpan.Zero, delays.Remaining("user:A"));
    }

    [Fact]
    public void Reset_AfterSuccess_OtherKeysKeepTheirWait()
    {
        var delays = new FailureDelays(_time, Free);
        for (var i = 0; i < Free; i++)
        {
            delays.RecordFailure("user:A");
            delays.RecordFailure("address:10.0.0.9");
        }

        delays.Reset("user:A");

        Assert.Equal(TimeSpan.Zero, delays.Remaining("user:A"));
        Assert.Equal(FailureDelays.FirstDelay, delays.Remaining("address:10.0.0.9"));
    }
}
