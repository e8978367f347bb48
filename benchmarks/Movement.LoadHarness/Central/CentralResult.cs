using System.Globalization;

namespace Movement.LoadHarness.Central;

/// <summary>One central run: rates over the measurement window, latency of reps, accounting, and each server's cost.</summary>
public sealed record CentralResult(
    int Sites, int ParticipantsPerSite, TimeSpan Duration, double LoadBefore, double LoadAfter,
    double PublishedPerS, double StoredPerS,
    double RepP50Ms, double RepP95Ms, double RepP99Ms, double RepMaxMs,
    int RepsPublished, int RepsLost, int SetsLost, long StepsLost, int WrittenTwice, long DuplicateRows, long PublishFailures,
    double BrokerCores, double RecorderCores, double InfluxCores, double SitesCores,
    long BrokerPeakRssBytes, long RecorderPeakRssBytes, long InfluxPeakRssBytes)
{
    public const double P99LimitMs = 1000;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>p99 under a second, and InfluxDB holds every acknowledged event and step reading exactly once.</summary>
    public bool Holds =>
        RepP99Ms < P99LimitMs && RepsLost == 0 && SetsLost == 0 && StepsLost == 0 && DuplicateRows == 0 && PublishFailures == 0 && RepsPublished > 0;

    public static string TableHeader =>
        "| sites × participants | s | load avg start / end | published msg/s | stored records/s | rep → InfluxDB p50 / p95 / p99 / max ms | reps published | not in InfluxDB reps / sets / steps | written twice | dup rows | CPU cores mosquitto / recorder / influxd+nginx / sites | peak RSS mosquitto / recorder / influxd+nginx | holds |\n" +
        "|---|---:|---|---:|---:|---|---:|---|---:|---:|---|---|---|";

    public string TableRow => string.Join(" | ",
        $"| {Sites} × {ParticipantsPerSite}",
        Duration.TotalSeconds.ToString("0", Invariant),
        $"{LoadBefore.ToString("0.0", Invariant)} / {LoadAfter.ToString("0.0", Invariant)}",
        PublishedPerS.ToString("N0", Invariant),
        StoredPerS.ToString("N0", Invariant),
        $"{Ms(RepP50Ms)} / {Ms(RepP95Ms)} / {Ms(RepP99Ms)} / {Ms(RepMaxMs)}",
        RepsPublished.ToString(Invariant),
        $"{RepsLost} / {SetsLost} / {StepsLost}",
        WrittenTwice.ToString(Invariant),
        DuplicateRows.ToString(Invariant),
        $"{Cores(BrokerCores)} / {Cores(RecorderCores)} / {Cores(InfluxCores)} / {Cores(SitesCores)}",
        $"{Mib(BrokerPeakRssBytes)} / {Mib(RecorderPeakRssBytes)} / {Mib(InfluxPeakRssBytes)}",
        (Holds ? "yes" : "no") + " |");

    private static string Ms(double ms) => double.IsNaN(ms) ? "-" : ms.ToString(ms < 10 ? "0.0" : "0", Invariant);

    private static string Cores(double cores) => double.IsNaN(cores) ? "-" : cores.ToString("0.00", Invariant);

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("0", Invariant) + " MiB";
}
