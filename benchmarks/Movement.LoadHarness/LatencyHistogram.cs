namespace Movement.LoadHarness;

/// <summary>
/// Latencies in 0.1 ms buckets up to 30 s (fixed size, allocated once, so recording allocates nothing and
/// costs the same in every phase); anything longer lands in the last bucket. Thread-safe.
/// </summary>
public sealed class LatencyHistogram
{
    private const double BucketMs = 0.1;
    private readonly long[] _buckets = new long[300_000];
    private long _count;
    private double _maxMs;
    private readonly Lock _maxLock = new();

    public long Count => Interlocked.Read(ref _count);

    public double MaxMs
    {
        get
        {
            lock (_maxLock)
            {
                return _maxMs;
            }
        }
    }

    public void Record(double milliseconds)
    {
        var bucket = (int)Math.Clamp(milliseconds / BucketMs, 0, _buckets.Length - 1);
        Interlocked.Increment(ref _buckets[bucket]);
        Interlocked.Increment(ref _count);
        lock (_maxLock)
        {
            _maxMs = Math.Max(_maxMs, milliseconds);
        }
    }

    /// <summary>The latency under which <paramref name="percentile"/> % of recordings fall (upper bucket edge), or NaN if empty.</summary>
    public double Percentile(double percentile)
    {
        var count = Count;
        if (count == 0)
        {
            return double.NaN;
        }

        var rank = (long)Math.Ceiling(count * percentile / 100);
        long seen = 0;
        for (var i = 0; i < _buckets.Length; i++)
        {
            seen += Interlocked.Read(ref _buckets[i]);
            if (seen >= rank)
            {
                return Math.Min((i + 1) * BucketMs, MaxMs);
            }
        }

        return MaxMs;
    }
}
