using System.Diagnostics;
using System.Globalization;

namespace Movement.LoadHarness;

/// <summary>CPU time of this process plus its child processes (a private mosquitto), and memory.</summary>
public static class ResourceMeter
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public readonly record struct CpuSnapshot(long WallUs, TimeSpan Process, TimeSpan Children);

    public static CpuSnapshot TakeCpu()
    {
        using var self = Process.GetCurrentProcess();
        return new CpuSnapshot(Clock.NowUs(), self.TotalProcessorTime, ChildrenCpu());
    }

    /// <summary>Cores busy between two snapshots: (process, children).</summary>
    public static (double Process, double Children) CoresBetween(CpuSnapshot from, CpuSnapshot to)
    {
        var wallS = (to.WallUs - from.WallUs) / 1e6;
        return wallS <= 0
            ? (double.NaN, double.NaN)
            : ((to.Process - from.Process).TotalSeconds / wallS, (to.Children - from.Children).TotalSeconds / wallS);
    }

    /// <summary>Live managed heap after a full blocking collection, and the process's resident set.</summary>
    public static (long HeapBytes, long RssBytes) TakeMemory()
    {
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        using var self = Process.GetCurrentProcess();
        return (heap, self.WorkingSet64);
    }

    private static TimeSpan ChildrenCpu()
    {
        if (!OperatingSystem.IsLinux())
        {
            return TimeSpan.Zero;
        }

        double ticks = 0;
        try
        {
            foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                var children = File.ReadAllText(Path.Combine(task, "children"));
                foreach (var pid in children.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    ticks += ReadCpuTicks(pid);
                }
            }
        }
        catch (IOException)
        {
            // A child or thread went away while we looked: count what we saw.
        }

        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    private static double ReadCpuTicks(string pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");

            // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
