using Microsoft.Extensions.Time.Testing;

namespace Movement.Classifier.Tests;

public sealed class SampleFlowTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 10, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void RunningSessions_SamplesThenQuiet_AgeSinceTheLastSample()
    {
        var flow = new SampleFlow(_time);
        flow.ObserveSession("site-1", active: true);
        _time.Advance(TimeSpan.FromSeconds(5));
        flow.ObserveSamples("site-1");
        _time.Advance(TimeSpan.FromSeconds(12));

        var (site, age) = Assert.Single(flow.RunningSessions());

        Assert.Equal("site-1", site);
        Assert.Equal(TimeSpan.FromSeconds(12), age);
    }

    [Fact]
    public void RunningSessions_NoSampleSinceTheSessionStarted_AgeSinceTheStart()
    {
        var flow = new SampleFlow(_time);
        flow.ObserveSamples("site-1"); // before the session: does not count for it
        _time.Advance(TimeSpan.FromSeconds(100));
        flow.ObserveSession("site-1", active: true);
        _time.Advance(TimeSpan.FromSeconds(40));
        flow.ObserveSession("site-1", active: true); // the same session again: the clock keeps running

        Assert.Equal(TimeSpan.FromSeconds(40), Assert.Single(flow.RunningSessions()).SampleAge);
    }

    [Fact]
    public void RunningSessions_EndedOrNeverStarted_NotListed()
    {
        var flow = new SampleFlow(_time);
        flow.ObserveSession("site-1", active: true);
        flow.ObserveSession("site-1", active: false);
        flow.ObserveSamples("site-2");
        flow.ObserveSession("site-3", active: true);
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal("site-3", Assert.Single(flow.RunningSessions()).Site);
    }
}
