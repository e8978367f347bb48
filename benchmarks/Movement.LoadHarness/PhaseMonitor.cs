using System.Globalization;

namespace Movement.LoadHarness;

/// <summary>A phase's timeline: publishing from origin to stop; measurements from origin + warm-up.</summary>
public readonly record struct Window(long OriginUs, long FromUs, long StopUs)
{
    public Window(long originUs, HarnessOptions options)
        : this(originUs, originUs + (long)options.Warmup.TotalMicroseconds, originUs + (long)options.Duration.TotalMicroseconds)
    {
    }
}

/// <summary>A counter read at the start and end of the measurement window.</summary>
public sealed class Tally(Func<long> read)
{
    private (long Value, long Us) _start;
    private (long Value, long Us) _end;

    public void MarkStart(long us) => _start = (read(), us);

    public void MarkEnd(long us) => _end = (read(), us);

    public double PerSecond() =>
        _end.Us > _start.Us ? (_end.Value - _start.Value) / ((_end.Us - _start.Us) / 1e6) : double.NaN;
}

/// <summary>Progress, CPU snapshots at the window's edges and draining: shared by the single-box and the central runs.</summary>
public static class PhaseMonitor
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(5);
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Prints progress until the run is done; snapshots counters and CPU at the window's edges.</summary>
    public static async Task<(ResourceMeter.CpuSnapshot From, ResourceMeter.CpuSnapshot To)> MonitorAsync(
        TextWriter progress, string phase, Task run, Window window, Tally[] tallies, Func<string> status, CancellationToken cancellationToken)
    {
        ResourceMeter.CpuSnapshot? from = null;
        var nextProgressUs = window.OriginUs + (long)ProgressInterval.TotalMicroseconds;
        while (!run.IsCompleted)
        {
            await Task.WhenAny(run, Task.Delay(TimeSpan.FromMilliseconds(50), Clock.Time, cancellationToken));
            var now = Clock.NowUs();
            if (from is null && now >= window.FromUs)
            {
                from = ResourceMeter.TakeCpu();
                Array.ForEach(tallies, t => t.MarkStart(from.Value.WallUs));
            }

            if (now >= nextProgressUs && !run.IsCompleted)
            {
                nextProgressUs += (long)ProgressInterval.TotalMicroseconds;
                progress.WriteLine($"   [{phase} {(now - window.OriginUs) / 1e6,3:0}/{(window.StopUs - window.OriginUs) / 1e6:0} s] {status()}");
            }
        }

        var to = ResourceMeter.TakeCpu();
        Array.ForEach(tallies, t => t.MarkEnd(to.WallUs));
        await run;
        return (from ?? to, to);
    }

    /// <summary>Waits until <paramref name="done"/>, or until <paramref name="progressValue"/> has not moved for 5 s (at most <paramref name="limit"/>, 60 s unless given).</summary>
    public static async Task WaitUntilAsync(Func<bool> done, Func<long> progressValue, CancellationToken cancellationToken, TimeSpan? limit = null)
    {
        var deadline = Clock.NowUs() + (long)(limit ?? TimeSpan.FromSeconds(60)).TotalMicroseconds;
        var last = progressValue();
        var lastChangeUs = Clock.NowUs();
        while (!done() && Clock.NowUs() < deadline && Clock.NowUs() - lastChangeUs < 5_000_000)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), Clock.Time, cancellationToken);
            var value = progressValue();
            if (value != last)
            {
                last = value;
                lastChangeUs = Clock.NowUs();
            }
        }
    }

    public static string Ms(double ms) => double.IsNaN(ms) ? "-" : ms.ToString("0.0 ms", Invariant);

    public static string Rate(long count, long sinceUs)
    {
        var seconds = (Clock.NowUs() - sinceUs) / 1e6;
        return seconds <= 0 ? "0" : (count / seconds).ToString("N0", Invariant);
    }
}
