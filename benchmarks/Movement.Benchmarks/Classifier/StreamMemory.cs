using Movement.Benchmarks.Motion;
using Movement.Protocol;

namespace Movement.Benchmarks.Classifier;

/// <summary>
/// Memory per live stream (issue 8's 64 KiB target): the managed heap after a full collection with N participants'
/// classify paths alive, each fed the same minute of its motion, less the heap before they existed, per stream.
/// Not a BenchmarkDotNet suite (it measures what stays, not what is allocated): <c>-- --memory [N]</c>.
/// </summary>
public static class StreamMemory
{
    public static void Run(int participants, TextWriter output)
    {
        const long startUs = 1_764_400_000_000_000;
        var single = new KneeExtensionMotion(seed: 11).Samples(startUs, 6000);
        var (thigh, shank) = ClassifyPath.PairMotion(seed: 11, startUs, reps: 10);
        var length = Math.Min(thigh.Length, shank.Length) / 10 * 10;

        var oneSensor = Measure(participants, ClassifyPath.Create, path =>
        {
            for (var offset = 0; offset + 10 <= single.Length; offset += 10)
            {
                path.Add(single.AsSpan(offset, 10));
            }
        });
        var pair = Measure(participants, ClassifyPath.CreatePair, path =>
        {
            for (var offset = 0; offset < length; offset += 10)
            {
                path.Add(thigh.AsSpan(offset, 10), thigh: true);
                path.Add(shank.AsSpan(offset, 10));
            }
        });

        output.WriteLine($"| participants | one shank sensor, per stream | thigh + shank pair, per participant | pair, per stream |");
        output.WriteLine($"| {participants} | {oneSensor / 1024:F1} KiB | {pair / 1024:F1} KiB | {pair / 2 / 1024:F1} KiB |");
    }

    private static double Measure(int count, Func<ClassifyPath> create, Action<ClassifyPath> feed)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var paths = new ClassifyPath[count];
        for (var i = 0; i < count; i++)
        {
            paths[i] = create();
            feed(paths[i]);
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(paths);
        return (after - before) / (double)count;
    }
}
