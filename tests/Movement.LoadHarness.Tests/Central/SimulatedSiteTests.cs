using Movement.LoadHarness.Central;
using Movement.Protocol;

namespace Movement.LoadHarness.Tests.Central;

public sealed class SimulatedSiteTests
{
    private const long OriginUs = 1_800_000_000_000_000;

    [Fact]
    public void TakeDue_TwoMinutes_RepsEvery2To4SecondsSetSummaryEveryTenthStepsEvery10Seconds()
    {
        var site = new SimulatedSite(index: 4, participants: 3);
        site.Start(OriginUs);

        // Taken in ticks, as the fleet does, so nothing depends on taking everything at once.
        var messages = new List<SiteMessage>();
        for (var us = OriginUs; us <= OriginUs + 120_000_000; us += 50_000)
        {
            messages.AddRange(site.TakeDue(us));
        }

        Assert.Equal("site-005", site.Site);
        Assert.Equal(3, messages.Count(m => m.Kind is null && m.Retain)); // the session at 0, 60 and 120 s
        foreach (var participant in new[] { "p-01", "p-02", "p-03" })
        {
            var reps = messages.Where(m => m.Kind == RecordKind.Rep && m.Key!.Contains($"-{participant}-", StringComparison.Ordinal)).ToList();
            var gapsS = reps.Zip(reps.Skip(1), (a, b) => (b.SiteTimeUs - a.SiteTimeUs) / 1e6).ToList();
            Assert.InRange(reps.Count, 30, 60);
            Assert.All(gapsS, gap => Assert.InRange(gap, 2.0, 4.0));
            Assert.Equal(reps.Count / 10, messages.Count(m => m.Kind == RecordKind.SetSummary && m.Key!.Contains($"-{participant}-", StringComparison.Ordinal)));
            Assert.Equal(12, messages.Count(m => m.Kind == RecordKind.Steps && m.Key!.Contains($"/s-{participant[2..]}/", StringComparison.Ordinal)));
        }

        Assert.Equal(messages.Count(m => m.Key is not null), messages.Where(m => m.Key is not null).Select(m => m.Key).Distinct().Count());
    }

    [Fact]
    public void TakeDue_EveryMessage_DecodesAsTheProtocolAndParsesToItsSiteTopic()
    {
        var site = new SimulatedSite(index: 0, participants: 2);
        site.Start(OriginUs);
        var messages = site.TakeDue(OriginUs + 40_000_000);

        Assert.NotEmpty(messages);
        foreach (var message in messages)
        {
            Assert.True(Topics.TryParse(message.Topic, out var address, out var error), error);
            Assert.Equal(site.Site, address.Site);
            switch (message.Kind)
            {
                case RecordKind.Rep or RecordKind.SetSummary:
                    Assert.True(ProtocolJson.TryDecodeEvent(message.Payload, out var movementEvent, out error), error);
                    Assert.Equal((address.Site, address.EntityId, message.Key), (movementEvent!.Site, movementEvent.Participant, movementEvent.Id));
                    Assert.Equal(message.SiteTimeUs, (movementEvent.Time - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond);
                    break;
                case RecordKind.Steps:
                    Assert.True(ProtocolJson.TryDecodeStepReading(message.Payload, out var reading, out error), error);
                    Assert.Equal(address.EntityId, reading!.Sensor);
                    break;
                default:
                    Assert.True(ProtocolJson.TryDecodeSessionState(message.Payload, out var state, out error), error);
                    Assert.Equal(2, state!.Roster.Count);
                    break;
            }
        }
    }
}
