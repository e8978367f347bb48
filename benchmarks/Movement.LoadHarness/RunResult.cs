using System.Globalization;

namespace Movement.LoadHarness;

/// <summary>The raw-broker baseline: the same sample batches, published and received without the pipeline.</summary>
public sealed record RawPhaseResult(
    double OfferedSamplesPerS, double DeliveredSamplesPerS, double BatchP50Ms, double BatchP99Ms,
    long BatchesMissing, long BatchesDuplicated, long PublishFailures, long BrokerDropped, double ProcessCores, double ChildCores);

/// <summary>The pipeline phase: sensors → broker → classifier → events → store, and a subscriber timing the events.</summary>
public sealed record PipelinePhaseResult(
    double OfferedSamplesPerS, double ClassifiedSamplesPerS, long BatchesNotClassified, long PublishFailures,
    double EventP50Ms, double EventP95Ms, double EventP99Ms, double EventMaxMs,
    EventAccounting Events, long DuplicateEvents, long InvalidEvents, int EventsNotStored, long BrokerDropped,
    double ProcessCores, double ChildCores, long HeapGrowthBytes, long RssGrowthBytes);

public sealed record RunResult(BrokerKind Broker, bool Store, int Sensors, TimeSpan Duration, RawPhaseResult? Raw, PipelinePhaseResult Pipeline)
{
    public const double P99LimitMs = 250;
    public const double ThroughputTargetRatio = 0.8;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Pipeline samples/s as a share of what the bare broker delivered at the same offered rate.</summary>
    public double ThroughputRatio => Raw is { DeliveredSamplesPerS: > 0 } raw ? Pipeline.ClassifiedSamplesPerS / raw.DeliveredSamplesPerS : double.NaN;

    /// <summary>Every sample classified, every expected rep delivered once and stored, p99 under the limit.</summary>
    public bool Holds =>
        Pipeline.EventP99Ms < P99LimitMs && Pipeline.Events.Lost == 0 && Pipeline.DuplicateEvents == 0 &&
        Pipeline.EventsNotStored == 0 && Pipeline.BatchesNotClassified == 0 && Pipeline.PublishFailures == 0 &&
        Pipeline.Events.Expected > 0;

    public static string TableHeader =>
        "| broker | sensors | s | offered samples/s | raw broker samples/s | pipeline samples/s | pipeline/raw | rep event p50 / p95 / p99 ms | raw batch p99 ms | reps expected | lost | dup | unexpected | not stored | batches lost raw / pipeline | CPU cores raw / pipeline | CPU per sensor | heap per stream | RSS per stream | holds |\n" +
        "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---|";

    public string TableRow
    {
        get
        {
            var p = Pipeline;
            var cores = p.ProcessCores + p.ChildCores;
            var rawCores = Raw is null ? double.NaN : Raw.ProcessCores + Raw.ChildCores;
            return string.Join(" | ",
                $"| {Broker.ToString().ToLowerInvariant()}{(Store ? "" : " (no store)")}",
                Sensors.ToString(Invariant),
                Duration.TotalSeconds.ToString("0", Invariant),
                Rate(p.OfferedSamplesPerS),
                Raw is null ? "-" : Rate(Raw.DeliveredSamplesPerS),
                Rate(p.ClassifiedSamplesPerS),
                double.IsNaN(ThroughputRatio) ? "-" : ThroughputRatio.ToString("P0", Invariant),
                $"{Ms(p.EventP50Ms)} / {Ms(p.EventP95Ms)} / {Ms(p.EventP99Ms)}",
                Raw is null ? "-" : Ms(Raw.BatchP99Ms),
                p.Events.Expected.ToString(Invariant),
                p.Events.Lost.ToString(Invariant),
                p.DuplicateEvents.ToString(Invariant),
                p.Events.Unexpected.ToString(Invariant),
                p.EventsNotStored.ToString(Invariant),
                $"{(Raw is null ? "-" : (Raw.BatchesMissing + Raw.PublishFailures).ToString(Invariant))} / {(p.BatchesNotClassified + p.PublishFailures).ToString(Invariant)}",
                $"{(Raw is null ? "-" : rawCores.ToString("0.00", Invariant))} / {cores.ToString("0.00", Invariant)}",
                (cores / Sensors * 100).ToString("0.000", Invariant) + " % core",
                Kib(p.HeapGrowthBytes / (double)Sensors),
                Kib(p.RssGrowthBytes / (double)Sensors),
                (Holds ? "yes" : "no") + " |");
        }
    }

    private static string Rate(double perSecond) => perSecond.ToString("N0", Invariant);

    private static string Ms(double ms) => double.IsNaN(ms) ? "-" : ms.ToString(ms < 10 ? "0.0" : "0", Invariant);

    private static string Kib(double bytes) => (bytes / 1024).ToString("0.0", Invariant) + " KiB";
}
