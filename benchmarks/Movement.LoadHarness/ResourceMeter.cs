using System.Diagnostics;
using System.Globalization;

namespace Movement.LoadHarness;

/// <summary>CPU time of this process and of each process it started (and those they started), and memory.</summary>
public static class ResourceMeter
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux
    private const long PageBytes = 4096;

    /// <summary>One descendant process: its command name (/proc comm), CPU time so far, resident and peak resident memory.</summary>
    public readonly record struct ProcessSample(int Pid, string Name, TimeSpan Cpu, long RssBytes, long PeakRssBytes);

    public readonly record struct CpuSnapshot(long WallUs, TimeSpan Process, IReadOnlyList<ProcessSample> Descendants)
    {
        public TimeSpan Children => TimeSpan.FromTicks(Descendants.Sum(d => d.Cpu.Ticks));
    }

    public static CpuSnapshot TakeCpu()
    {
        using var self = Process.GetCurrentProcess();
        return new CpuSnapshot(Clock.NowUs(), self.TotalProcessorTime, Descendants());
    }

    /// <summary>Cores busy between two snapshots: (process, children).</summary>
    public static (double Process, double Children) CoresBetween(CpuSnapshot from, CpuSnapshot to)
    {
        var wallS = (to.WallUs - from.WallUs) / 1e6;
        return wallS <= 0
            ? (double.NaN, double.NaN)
            : ((to.Process - from.Process).TotalSeconds / wallS, (to.Children - from.Children).TotalSeconds / wallS);
    }

    /// <summary>Cores busy between two snapshots in the descendants <paramref name="selects"/> picks (by pid and name).</summary>
    public static double CoresBetween(CpuSnapshot from, CpuSnapshot to, Func<ProcessSample, bool> selects)
    {
        var wallS = (to.WallUs - from.WallUs) / 1e6;
        var before = from.Descendants.Where(selects).ToDictionary(d => d.Pid, d => d.Cpu);
        var cpu = to.Descendants.Where(selects).Sum(d => (d.Cpu - before.GetValueOrDefault(d.Pid)).TotalSeconds);
        return wallS <= 0 ? double.NaN : cpu / wallS;
    }

    /// <summary>Live managed heap after a full blocking collection, and the process's resident set.</summary>
    public static (long HeapBytes, long RssBytes) TakeMemory()
    {
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        using var self = Process.GetCurrentProcess();
        return (heap, self.WorkingSet64);
    }

    /// <summary>The 1-minute load average (/proc/loadavg), or NaN off Linux.</summary>
    public static double LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    private static List<ProcessSample> Descendants()
    {
        var found = new List<ProcessSample>();
        if (OperatingSystem.IsLinux())
        {
            AddChildren("self", found, depth: 0);
        }

        return found;
    }

    private static void AddChildren(string pid, List<ProcessSample> found, int depth)
    {
        if (depth > 4)
        {
            return;
        }

        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                foreach (var child in File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (Read(child) is { } sample)
                    {
                        found.Add(sample);
                        AddChildren(child, found, depth + 1);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A child or thread went away while we looked: count what we saw.
        }
    }

    private static ProcessSample? Read(string pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var name = stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')];

            // Fields after the parenthesised command name: state is field 3, utime 14, stime 15, rss 24 (pages).
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture);
            var rss = long.Parse(fields[21], CultureInfo.InvariantCulture) * PageBytes;
            var peak = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)) is { } line
                ? long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024
                : rss;
            return new ProcessSample(int.Parse(pid, CultureInfo.InvariantCulture), name, TimeSpan.FromSeconds(ticks / TicksPerSecond), rss, peak);
        }
        catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
