using Movement.Store;
using Movement.Store.InfluxDb;
using Movement.TestSupport;
using static Movement.LoadHarness.PhaseMonitor;

namespace Movement.LoadHarness.Central;

/// <summary>
/// One run of the central path at one site count: a central mosquitto (an account per site, as each site's bridge
/// has), influxd, and the recorder in its own process; the simulated sites publish for the run's duration; then the
/// harness waits for the recorder to drain and counts what InfluxDB holds against what the broker acknowledged.
/// </summary>
public sealed class CentralRun(HarnessOptions options, int siteCount, TextWriter progress)
{
    public async Task<CentralResult> RunAsync(CancellationToken cancellationToken)
    {
        var participants = options.ParticipantsPerSite;
        progress.WriteLine($"== central: {siteCount} sites x {participants} participants, {options.Duration.TotalSeconds:0} s");
        var sites = Enumerable.Range(0, siteCount).Select(i => new SimulatedSite(i, participants)).ToList();

        // As in docs/operations.md: one connection per account, the client id is the account's name. Later lines win
        // over the test mosquitto's own (max_inflight_messages 100, max_queued_messages 100000).
        var configuration = "use_username_as_clientid true" +
            (options.BrokerInflight is { } inflight ? $"\nmax_inflight_messages {inflight}" : "") +
            (options.BrokerQueue is { } queue ? $"\nmax_queued_messages {queue}" : "");
        await using var broker = await BrokerUnderTest.StartAsync(BrokerKind.Mosquitto, null, cancellationToken,
            [.. sites.Select(s => s.Account)], configuration);
        await using var influx = await InfluxDbServer.StartAsync();
        var dataDirectory = Directory.CreateTempSubdirectory("movement-central-");
        try
        {
            var ackLogPath = Path.Combine(dataDirectory.FullName, "acks.tsv");
            await using var recorder = await CentralRecorder.StartAsync([
                .. broker.ServiceConnectionSettings(StoreOptions.SectionName, MosquittoServer.RecorderUser),
                new(StoreOptions.SectionName + ":Site", "+"),
                new(StoreOptions.SectionName + ":Backend", nameof(StoreBackend.InfluxDb)),
                new(StoreOptions.SectionName + ":InfluxDb:Url", influx.Url.ToString()),
                new(StoreOptions.SectionName + ":SqlitePath", Path.Combine(dataDirectory.FullName, "movement.db")),
                new(StoreOptions.SectionName + ":OutboxPath", Path.Combine(dataDirectory.FullName, "outbox.db")),
                .. options.OutboxBatch is { } batch
                    ? [new KeyValuePair<string, string?>(StoreOptions.SectionName + ":Outbox:BatchSize", batch.ToString(System.Globalization.CultureInfo.InvariantCulture))]
                    : Array.Empty<KeyValuePair<string, string?>>(),
            ], ackLogPath, cancellationToken);
            await using var fleet = new SiteFleet(broker, sites);
            await fleet.ConnectAsync(cancellationToken);
            using var acks = new StoreAckReader(ackLogPath);

            var loadBefore = ResourceMeter.LoadAverage();
            var originUs = Clock.NowUs();
            var window = new Window(originUs, options);
            acks.MeasureFromUs = window.FromUs;
            var offered = new Tally(() => fleet.PublishedMessages);
            var stored = new Tally(() => acks.Stored);
            var run = fleet.RunAsync(originUs, window.StopUs, cancellationToken);
            var (from, to) = await MonitorAsync(progress, "central", run, window, [offered, stored], () =>
                $"published {Rate(fleet.PublishedMessages, originUs)} msg/s, stored {Rate(acks.Stored, originUs)} records/s, " +
                $"rep p99 {Ms(acks.RepLatency.Percentile(99))}, load {ResourceMeter.LoadAverage():0.0}",
                cancellationToken);
            var loadAfter = ResourceMeter.LoadAverage();

            // Drain: every acknowledged event and step reading is written, or nothing moves for 5 s, or 5 minutes pass
            // (a backlog drains at the recorder's pace: what is missing after that was dropped, or is still queued).
            var drainStartUs = Clock.NowUs();
            await WaitUntilAsync(() => acks.Stored >= fleet.PublishedRecordCount, () => acks.Stored, cancellationToken, TimeSpan.FromMinutes(5));
            var drainS = (Clock.NowUs() - drainStartUs) / 1e6;
            var end = ResourceMeter.TakeCpu();
            var inInflux = await CountInInfluxAsync(influx, cancellationToken);

            var published = fleet.PublishedRecords;
            var writes = acks.Writes;
            var reps = published.Where(m => m.Kind == RecordKind.Rep).Select(m => m.Key!).ToList();
            var sets = published.Where(m => m.Kind == RecordKind.SetSummary).Select(m => m.Key!).ToList();
            var steps = published.Count(m => m.Kind == RecordKind.Steps);
            bool IsRecorder(ResourceMeter.ProcessSample p) => p.Pid == recorder.Pid;
            bool IsBroker(ResourceMeter.ProcessSample p) => p.Name == "mosquitto";
            bool IsInflux(ResourceMeter.ProcessSample p) => p.Name is "influxd" or "nginx";
            long PeakRss(Func<ResourceMeter.ProcessSample, bool> selects) => end.Descendants.Where(selects).Sum(p => p.PeakRssBytes);
            var wallS = (to.WallUs - from.WallUs) / 1e6;
            var result = new CentralResult(
                siteCount, participants, options.Duration, loadBefore, loadAfter,
                offered.PerSecond(), stored.PerSecond(),
                acks.RepLatency.Percentile(50), acks.RepLatency.Percentile(95), acks.RepLatency.Percentile(99), acks.RepLatency.MaxMs,
                reps.Count, reps.Count(id => !inInflux.RepIds.Contains(id)), sets.Count(id => !inInflux.SetIds.Contains(id)),
                steps - inInflux.StepReadings, writes.Values.Count(n => n > 1), inInflux.RepRows - inInflux.RepIds.Count, fleet.PublishFailures,
                ResourceMeter.CoresBetween(from, to, IsBroker), ResourceMeter.CoresBetween(from, to, IsRecorder), ResourceMeter.CoresBetween(from, to, IsInflux),
                wallS <= 0 ? double.NaN : (to.Process - from.Process).TotalSeconds / wallS,
                PeakRss(IsBroker), PeakRss(IsRecorder), PeakRss(IsInflux));
            progress.WriteLine($"   central done: {result.RepsPublished} reps published, {result.RepsLost} not in InfluxDB, {result.SetsLost} set summaries and " +
                $"{result.StepsLost} step readings missing, {result.WrittenTwice} written twice, {result.DuplicateRows} duplicate rows; " +
                $"p99 {result.RepP99Ms:0.0} ms (max {result.RepMaxMs:0.0} ms); drained in {drainS:0} s");
            return result;
        }
        finally
        {
            try
            {
                dataDirectory.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private sealed record InfluxCounts(HashSet<string> RepIds, long RepRows, HashSet<string> SetIds, long StepReadings);

    /// <summary>What InfluxDB holds at the end, read with the store's own InfluxQL client.</summary>
    private static async Task<InfluxCounts> CountInInfluxAsync(InfluxDbServer influx, CancellationToken cancellationToken)
    {
        using var query = new InfluxQlClient(new InfluxDbOptions { Url = influx.Url, Timeout = TimeSpan.FromMinutes(2) });
        var results = await query.QueryAsync(
            $"SELECT \"event_id\" FROM \"{Measurements.Rep}\"; SELECT \"event_id\" FROM \"{Measurements.ExerciseSet}\"; " +
            $"SELECT count(\"steps_total\") FROM \"{Measurements.StepReading}\"", cancellationToken);
        List<string> Ids(IReadOnlyList<InfluxSeries> series) =>
            [.. series.SelectMany(s => s.Values.Select(row => row[s.Column("event_id")].GetString()!))];
        var repIds = Ids(results[0]);
        var steps = results[2].Sum(s => s.Values.Sum(row => row[s.Column("count")].GetInt64()));
        return new InfluxCounts([.. repIds], repIds.Count, [.. Ids(results[1])], steps);
    }
}
