using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Movement.Classifier;
using Movement.Protocol;
using Movement.Store;
using static Movement.LoadHarness.PhaseMonitor;

namespace Movement.LoadHarness;

/// <summary>
/// One run at one sensor count: a fresh broker, then the raw-broker baseline phase, then the pipeline
/// phase (classifier and store registered with AddClassifier/AddStore in a host of this process).
/// </summary>
public sealed class LoadRun(HarnessOptions options, int sensors, TextWriter progress)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public async Task<RunResult> RunAsync(CancellationToken cancellationToken)
    {
        progress.WriteLine($"== {sensors} sensors, {options.Broker} broker, {options.Duration.TotalSeconds:0} s per phase");
        await using var broker = await BrokerUnderTest.StartAsync(options.Broker, options.BrokerQueue, cancellationToken);
        using var meters = new ClientMeters();
        RawPhaseResult? raw = null;
        if (options.RawBaseline)
        {
            raw = await RunRawPhaseAsync(broker, meters, cancellationToken);
            GC.Collect();
        }

        var pipeline = await RunPipelinePhaseAsync(broker, meters, cancellationToken);
        return new RunResult(options.Broker, options.Store, sensors, options.Duration, raw, pipeline);
    }

    private async Task<RawPhaseResult> RunRawPhaseAsync(BrokerUnderTest broker, ClientMeters meters, CancellationToken cancellationToken)
    {
        var droppedBefore = meters.BrokerDropped;
        await using var fleet = new SensorFleet(broker, sensors, options.SensorsPerGateway);
        await fleet.ConnectAsync(cancellationToken);
        var originUs = Clock.NowUs();
        var window = new Window(originUs, options);
        await using var subscriber = new RawSubscriber(broker, sensors, window.FromUs);
        await subscriber.ConnectAsync(cancellationToken);

        var offered = new Tally(() => fleet.PublishedSamples);
        var delivered = new Tally(() => subscriber.Samples);
        var run = fleet.RunAsync(originUs, window.StopUs, cancellationToken);
        var cpu = await MonitorAsync(progress, "raw", run, window, [offered, delivered], () =>
            $"published {Rate(fleet.PublishedSamples, originUs)} samples/s, received {Rate(subscriber.Samples, originUs)} samples/s, batch p99 {Ms(subscriber.Latency.Percentile(99))}, broker dropped {meters.BrokerDropped - droppedBefore}",
            cancellationToken);

        await WaitUntilAsync(() => subscriber.Batches + subscriber.Duplicates >= fleet.PublishedBatches, () => subscriber.Batches, cancellationToken);
        var (processCores, childCores) = ResourceMeter.CoresBetween(cpu.From, cpu.To);
        var result = new RawPhaseResult(
            offered.PerSecond(), delivered.PerSecond(),
            subscriber.Latency.Percentile(50), subscriber.Latency.Percentile(99),
            subscriber.Missing(fleet.Sensors), subscriber.Duplicates, fleet.PublishFailures, meters.BrokerDropped - droppedBefore, processCores, childCores);
        progress.WriteLine($"   raw done: {result.DeliveredSamplesPerS:N0} samples/s delivered, {result.BatchesMissing} batches missing, {result.BatchesDuplicated} duplicated, {result.BrokerDropped} dropped by the broker");
        return result;
    }

    private async Task<PipelinePhaseResult> RunPipelinePhaseAsync(BrokerUnderTest broker, ClientMeters meters, CancellationToken cancellationToken)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("movement-load-");
        try
        {
            using var host = BuildPipelineHost(broker, dataDirectory.FullName);
            await using var fleet = new SensorFleet(broker, sensors, options.SensorsPerGateway);
            await fleet.ConnectAsync(cancellationToken);

            await using var probe = new EventProbe(broker);
            await probe.ConnectAsync(cancellationToken);
            await PublishRosterAsync(probe, fleet, cancellationToken);

            var droppedBefore = meters.BrokerDropped;
            var classifierBefore = meters.Received(ClassifierClient);
            await host.StartAsync(cancellationToken);
            await WaitReadyAsync(probe, meters, classifierBefore, cancellationToken);
            classifierBefore = meters.Received(ClassifierClient);

            var memoryBefore = ResourceMeter.TakeMemory();
            var originUs = Clock.NowUs();
            var window = new Window(originUs, options);
            probe.MeasureFromUs = window.FromUs;
            meters.MeasureRepLatencyFrom(window.FromUs);
            var offered = new Tally(() => fleet.PublishedSamples);
            var batchesClassified = new Tally(() => meters.Received(ClassifierClient));
            var run = fleet.RunAsync(originUs, window.StopUs, cancellationToken);
            var cpu = await MonitorAsync(progress, "pipeline", run, window, [offered, batchesClassified], () =>
                $"published {Rate(fleet.PublishedSamples, originUs)} samples/s, classified {Rate((long)((meters.Received(ClassifierClient) - classifierBefore) * SamplesPerBatch(fleet)), originUs)} samples/s, " +
                $"{probe.Count} rep events, p99 {Ms(probe.Latency.Percentile(99))}, broker dropped {meters.BrokerDropped - droppedBefore}",
                cancellationToken);

            // Drain: the classifier takes every batch, then the events of the last reps arrive.
            await WaitUntilAsync(() => meters.Received(ClassifierClient) - classifierBefore >= fleet.PublishedBatches,
                () => meters.Received(ClassifierClient), cancellationToken);
            await WaitUntilAsync(() => EventAccounting.Compare(fleet.Sensors, probe.Reps).Lost == 0, () => probe.Count, cancellationToken);
            var memoryAfter = ResourceMeter.TakeMemory();
            var notStored = options.Store ? await CountNotStoredAsync(host, fleet, probe, cancellationToken) : 0;
            await host.StopAsync(cancellationToken);

            var (processCores, childCores) = ResourceMeter.CoresBetween(cpu.From, cpu.To);
            var accounting = EventAccounting.Compare(fleet.Sensors, probe.Reps);
            var samplesPerBatch = SamplesPerBatch(fleet);
            var result = new PipelinePhaseResult(
                offered.PerSecond(), batchesClassified.PerSecond() * samplesPerBatch,
                fleet.PublishedBatches - (meters.Received(ClassifierClient) - classifierBefore), fleet.PublishFailures,
                probe.Latency.Percentile(50), probe.Latency.Percentile(95), probe.Latency.Percentile(99), probe.Latency.MaxMs,
                accounting, probe.Duplicates, probe.Invalid, notStored, meters.BrokerDropped - droppedBefore, processCores, childCores,
                memoryAfter.HeapBytes - memoryBefore.HeapBytes, memoryAfter.RssBytes - memoryBefore.RssBytes);
            progress.WriteLine($"   pipeline done: {accounting.Expected} reps expected, {accounting.Matched} received, {accounting.Unexpected} unexpected, " +
                $"{probe.Duplicates} duplicated, {notStored} not stored, {result.BrokerDropped} dropped by the broker, p99 {result.EventP99Ms:0.0} ms (max {result.EventMaxMs:0.0} ms); " +
                $"of which the classifier (last sample to event queued) p50 {Ms(meters.ClassifierRepLatency.Percentile(50))} / p95 {Ms(meters.ClassifierRepLatency.Percentile(95))} / " +
                $"p99 {Ms(meters.ClassifierRepLatency.Percentile(99))} (max {Ms(meters.ClassifierRepLatency.MaxMs)})");
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

    private const string ClassifierClient = "classifier";
    private const string RecorderClient = "recorder";

    private static double SamplesPerBatch(SensorFleet fleet) =>
        fleet.PublishedBatches == 0 ? 0 : fleet.PublishedSamples / (double)fleet.PublishedBatches;

    private IHost BuildPipelineHost(BrokerUnderTest broker, string dataDirectory)
    {
        var builder = HarnessHost.CreateBuilder([
            .. broker.ServiceConnectionSettings(ClassifierOptions.SectionName),
            .. broker.ServiceConnectionSettings(StoreOptions.SectionName),
            new(ClassifierOptions.SectionName + ":Site", BrokerUnderTest.Site),
            new(StoreOptions.SectionName + ":Site", BrokerUnderTest.Site),
            new(StoreOptions.SectionName + ":SqlitePath", Path.Combine(dataDirectory, "movement.db")),
            new(StoreOptions.SectionName + ":OutboxPath", Path.Combine(dataDirectory, "outbox.db")),
        ]);
        builder.Services.AddClassifier();
        if (options.Store)
        {
            builder.Services.AddStore();
        }

        return builder.Build();
    }

    /// <summary>The session roster (retained): every sensor worn by its participant at a knee-extension station.</summary>
    private static Task PublishRosterAsync(EventProbe probe, SensorFleet fleet, CancellationToken cancellationToken)
    {
        var session = new SessionState
        {
            SessionId = "load-" + Clock.NowUs().ToString(Invariant),
            Active = true,
            Time = Clock.Time.GetUtcNow(),
            Roster = [.. fleet.Sensors.Select(s => new RosterEntry(s.ParticipantId, s.SensorId, Placement.Shank, Side.Right, "st-1"))],
            Stations = [new StationPlan("st-1", ExerciseIds.KneeExtension, TargetReps: 10)],
        };
        return probe.Connection.PublishAsync(Topics.Session(BrokerUnderTest.Site), ProtocolJson.Encode(session), retain: true, cancellationToken);
    }

    /// <summary>
    /// Waits until the classifier has the retained roster and the recorder's subscription is live (it has
    /// recorded a step reading), so the first batches and events are not published into the void.
    /// </summary>
    private async Task WaitReadyAsync(EventProbe probe, ClientMeters meters, long classifierBefore, CancellationToken cancellationToken)
    {
        var deadline = Clock.NowUs() + (long)TimeSpan.FromSeconds(30).TotalMicroseconds;
        var steps = 0L;
        while (meters.Received(ClassifierClient) <= classifierBefore || (options.Store && meters.Received(RecorderClient) == 0))
        {
            if (Clock.NowUs() > deadline)
            {
                progress.WriteLine("   warning: classifier or recorder did not report a received message within 30 s; starting anyway");
                return;
            }

            var reading = new StepReading { Sensor = SimulatedSensor.SensorIdOf(0), Time = Clock.Time.GetUtcNow(), StepsTotal = ++steps };
            await probe.Connection.PublishAsync(Topics.SensorSteps(BrokerUnderTest.Site, reading.Sensor), ProtocolJson.Encode(reading), retain: false, cancellationToken);
            await Task.Delay(TimeSpan.FromMilliseconds(250), Clock.Time, cancellationToken);
        }
    }

    /// <summary>Rep events the probe received that the store does not hold (polls while the recorder catches up).</summary>
    private static async Task<int> CountNotStoredAsync(IHost host, SensorFleet fleet, EventProbe probe, CancellationToken cancellationToken)
    {
        var store = host.Services.GetRequiredService<IActivityStore>();
        var received = probe.Reps;
        var from = DateTimeOffset.FromUnixTimeMilliseconds(fleet.Sensors.Min(s => s.OriginUs) / 1000).AddMinutes(-1);
        var to = Clock.Time.GetUtcNow().AddMinutes(1);
        var missing = received.Count;
        for (var attempt = 0; attempt < 30 && missing > 0; attempt++)
        {
            var stored = new HashSet<string>(StringComparer.Ordinal);
            foreach (var sensor in fleet.Sensors)
            {
                foreach (var rep in await store.GetRepsAsync(BrokerUnderTest.Site, sensor.ParticipantId, from, to, cancellationToken))
                {
                    stored.Add(rep.EventId);
                }
            }

            missing = received.Count(r => !stored.Contains(r.Id));
            if (missing > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), Clock.Time, cancellationToken);
            }
        }

        return missing;
    }
}
