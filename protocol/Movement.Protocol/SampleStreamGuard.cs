namespace Movement.Protocol;

/// <summary>
/// Checks one sensor's sample batches against what is physically and logically possible before they can change a
/// receiver's state: values within the sensors' documented ranges, times near the receiver's clock, and each batch
/// continuing the last accepted one. A rejected batch leaves the guard as it was, so one bad message cannot silence a
/// stream: the next good batch is accepted. A stream that really moved to a new timeline (a gateway restart, a clock
/// correction) is followed after <see cref="BatchesToReanchor"/> consecutive batches that agree with each other.
/// </summary>
public sealed class SampleStreamGuard(TimeProvider time)
{
    /// <summary>±16 g, the widest range of the supported sensors (Thingy:52, Polar PMD, Movesense), with 10 % for calibration.</summary>
    public const float MaxAccelMs2 = (float)(16 * Gravity.StandardMps2 * 1.1);

    /// <summary>±2000 °/s, the widest gyroscope range of the supported sensors, with 10 %.</summary>
    public const float MaxGyroRadS = (float)(2000 * Math.PI / 180 * 1.1);

    /// <summary>A sample may be this far ahead of the receiver's clock (clock skew between boxes).</summary>
    public static readonly TimeSpan MaxAhead = TimeSpan.FromMinutes(1);

    /// <summary>Older samples are not live: the gateway's store-and-forward replays outages shorter than this.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(2);

    /// <summary>A batch may start this much before the previous one ended (timestamp jitter).</summary>
    public static readonly TimeSpan MaxOverlap = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A batch starting this long after the previous one ended opens a new timeline, followed only once confirmed: a
    /// single batch stamped ahead would otherwise make the receiver skip the real samples until time caught up with it.
    /// Real silences this long (a sensor out of range) lose the first <see cref="BatchesToReanchor"/> - 1 batches after.
    /// </summary>
    public static readonly TimeSpan MaxForwardGap = TimeSpan.FromSeconds(30);

    /// <summary>More batches than this missing between two is not a gap but a counter gone wrong.</summary>
    public const uint MaxSequenceJump = 10_000;

    public const int BatchesToReanchor = 3;

    private (uint Sequence, long LastUs)? _accepted;
    private (uint Sequence, long LastUs)? _candidate;
    private int _candidateRun;

    /// <summary>Accepts <paramref name="batch"/> and remembers it, or gives the reason it is not plausible.</summary>
    public bool TryAccept(SampleBatch batch, out string? reason)
    {
        if (batch.Samples.Length == 0)
        {
            reason = "the batch holds no samples";
            return false;
        }

        reason = CheckValues(batch) ?? CheckClock(batch);
        if (reason is not null)
        {
            return false;
        }

        var here = (Sequence: batch.Sequence, LastUs: batch.Samples[^1].TimestampUs);
        reason = _accepted is { } last ? CheckContinuity(last, batch) : null;
        if (reason is null)
        {
            (_accepted, _candidate, _candidateRun) = (here, null, 0);
            return true;
        }

        // Behind the accepted stream in both counter and time: a redelivery of what was seen, never a new timeline.
        if (_accepted is { } seen && batch.Sequence - seen.Sequence > uint.MaxValue / 2 && here.LastUs <= seen.LastUs)
        {
            reason = $"sequence {batch.Sequence} was already passed ({seen.Sequence}): a redelivery";
            return false;
        }

        // Not continuous with the accepted stream: a run of batches continuous with each other is a new timeline.
        _candidateRun = _candidate is { } candidate && CheckContinuity(candidate, batch) is null ? _candidateRun + 1 : 1;
        _candidate = here;
        if (_candidateRun >= BatchesToReanchor)
        {
            (_accepted, _candidate, _candidateRun) = (here, null, 0);
            reason = null;
            return true;
        }

        return false;
    }

    private static string? CheckValues(SampleBatch batch)
    {
        foreach (var s in batch.Samples)
        {
            if (Math.Abs(s.AccelX) > MaxAccelMs2 || Math.Abs(s.AccelY) > MaxAccelMs2 || Math.Abs(s.AccelZ) > MaxAccelMs2)
            {
                return $"acceleration ({s.AccelX}, {s.AccelY}, {s.AccelZ}) m/s² is beyond any supported sensor's ±16 g";
            }

            if (batch.HasGyro && (Math.Abs(s.GyroX) > MaxGyroRadS || Math.Abs(s.GyroY) > MaxGyroRadS || Math.Abs(s.GyroZ) > MaxGyroRadS))
            {
                return $"angular velocity ({s.GyroX}, {s.GyroY}, {s.GyroZ}) rad/s is beyond any supported sensor's ±2000 °/s";
            }
        }

        return null;
    }

    private string? CheckClock(SampleBatch batch)
    {
        var nowUs = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        var firstUs = batch.Samples[0].TimestampUs;
        var lastUs = batch.Samples[^1].TimestampUs;
        if (lastUs > nowUs + (long)MaxAhead.TotalMicroseconds)
        {
            return $"stamped {Describe(lastUs)}, more than {MaxAhead.TotalMinutes:0} min ahead of this clock ({Describe(nowUs)})";
        }

        return firstUs < nowUs - (long)MaxAge.TotalMicroseconds
            ? $"stamped {Describe(firstUs)}, more than {MaxAge.TotalDays:0} days before this clock ({Describe(nowUs)})"
            : null;
    }

    private static string? CheckContinuity((uint Sequence, long LastUs) previous, SampleBatch batch)
    {
        var step = batch.Sequence - previous.Sequence; // unsigned: wraps as the counter does
        if (step == 0)
        {
            return $"sequence {batch.Sequence} again (a duplicate)";
        }

        if (step > MaxSequenceJump)
        {
            return $"sequence {batch.Sequence} does not follow {previous.Sequence}";
        }

        var startUs = batch.Samples[0].TimestampUs;
        if (startUs < previous.LastUs - (long)MaxOverlap.TotalMicroseconds)
        {
            return $"starts at {Describe(startUs)}, before the previous batch ended ({Describe(previous.LastUs)})";
        }

        return startUs > previous.LastUs + (long)MaxForwardGap.TotalMicroseconds
            ? $"starts at {Describe(startUs)}, more than {MaxForwardGap.TotalSeconds:0} s after the previous batch ended ({Describe(previous.LastUs)}): a new timeline, not yet confirmed"
            : null;
    }

    private static string Describe(long unixUs) =>
        unixUs is > -62_135_596_800_000_000 and < 253_402_300_799_000_000
            ? DateTimeOffset.FromUnixTimeMilliseconds(unixUs / 1000).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture)
            : $"{unixUs} µs";
}
