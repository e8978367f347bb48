using Movement.LoadHarness.Central;
using Movement.Protocol;
using Movement.Store;

namespace Movement.LoadHarness.Tests.Central;

public sealed class StoreAckLogTests : IDisposable
{
    private readonly string _path = Path.Combine(Directory.CreateTempSubdirectory("movement-acklog-").FullName, "acks.tsv");

    [Fact]
    public void Reader_WritesAcrossTwoLooks_CountsEachKeyAndRecordsRepLatencyOnceAfterTheWarmUp()
    {
        var site = new SimulatedSite(index: 0, participants: 1);
        var t0 = SimulatedSite.ToTime(1_800_000_000_000_000);
        var warmUpRep = Rep(site, 1, t0);
        var rep = Rep(site, 2, t0.AddSeconds(10));
        var steps = new StepReadingRecord(site.Site, new StepReading { Sensor = "s-01", Time = t0.AddSeconds(11), StepsTotal = 5 });
        using var log = new StoreAckLog(_path);
        using var reader = new StoreAckReader(_path) { MeasureFromUs = 1_800_000_005_000_000 };

        log.Append([warmUpRep, rep], ackUs: 1_800_000_010_250_000);
        Assert.Equal(2, reader.Stored);
        log.Append([rep, steps], ackUs: 1_800_000_011_500_000); // rep written again, as after a re-delivery

        Assert.Equal(3, reader.Stored);
        Assert.Equal(2, reader.Writes[SiteMessages.RepId(site.Site, 0, 2)]);
        Assert.Equal(1, reader.Writes[SiteMessage.StepsKey(site.Site, "s-01", 1_800_000_011_000_000)]);
        Assert.Equal(1, reader.RepLatency.Count); // the warm-up rep and the second write are not timed
        Assert.Equal(250, reader.RepLatency.MaxMs, precision: 3);
    }

    private static EventRecord Rep(SimulatedSite site, int repCount, DateTimeOffset endedAt) =>
        new(site.Site, SiteMessages.Rep(site.Site, site.SessionId, 0, repCount, endedAt, durationS: 1.5, romDeg: 70).Rep);

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);
}
