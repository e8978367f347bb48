using Movement.Protocol;

namespace Movement.Classifier.Pipeline;

/// <summary>The knee at one instant, from a thigh and a shank sensor.</summary>
/// <param name="TimeUs">A sample time of either sensor (the other one interpolated to it).</param>
/// <param name="DtS">Time since the previous knee sample; 0 on the first one after a restart.</param>
/// <param name="KneeDeg">Knee flexion, degrees (0 straight, positive bent; its zero is only as good as the sensors' mounting).</param>
/// <param name="SpeedDps">Rate of flexion.</param>
/// <param name="OutOfPlaneDeg">Mean tilt of the two segments' axes out of the horizontal (sway).</param>
/// <param name="Restarted">No knee angle was known just before this one (start, a gap, or one sensor silent).</param>
public readonly record struct KneeAngleSample(long TimeUs, double DtS, double KneeDeg, double SpeedDps, double OutOfPlaneDeg, bool Restarted);

/// <summary>
/// Knee flexion from a thigh and a shank sensor on the same leg. Each segment's rotation about its flexion axis is
/// integrated from its gyroscope (<see cref="SegmentAngleTracker"/>); the knee angle is the difference (the knee is
/// a hinge: both segments turn about the same lateral axis), and it is pulled slowly towards the difference of the
/// two segments' angles read from gravity, which does not drift. The streams arrive as separate batches with their
/// own timestamps and rates: samples are queued per segment and merged in time order, the other segment linearly
/// interpolated to each sample's time, so the output runs at the union of both rates. A gap in either stream, or one
/// stream running <see cref="MaxLag"/> ahead of a silent other, breaks the knee signal (<see cref="KneeAngleSample.Restarted"/>).
/// Allocation-free once the queues have grown to the lag.
/// </summary>
public sealed class KneeAngleEstimator
{
    /// <summary>A silence longer than this within one stream is a gap (the same limit as a single sensor's).</summary>
    public static readonly TimeSpan MaxGap = TimeSpan.FromSeconds(0.5);

    /// <summary>One stream this far ahead of the other means the other has gone silent, not that its batch is late.</summary>
    public static readonly TimeSpan MaxLag = TimeSpan.FromSeconds(2);

    /// <summary>Time constant of the pull towards the gravity-derived knee angle.</summary>
    public const double DriftCorrectionTimeConstantS = 2;

    private readonly long _maxGapUs = (long)(MaxGap.TotalMilliseconds * 1000);
    private readonly long _maxLagUs = (long)(MaxLag.TotalMilliseconds * 1000);
    private readonly double _sideSign;
    private readonly Queue<SegmentPoint> _thighQueue = new(256);
    private readonly Queue<SegmentPoint> _shankQueue = new(256);
    private SegmentAngleTracker _thigh;
    private SegmentAngleTracker _shank;
    private SegmentPoint _thighPrevious;
    private SegmentPoint _shankPrevious;
    private bool _hasThighPrevious;
    private bool _hasShankPrevious;
    private long _thighLatestUs = long.MinValue;
    private long _shankLatestUs = long.MinValue;
    private bool _broken = true;
    private long _lastUs = long.MinValue;
    private double _kneeDeg;
    private double _lastGyroKneeDeg;

    /// <param name="side">The leg: it decides which sense of rotation about the lateral axis is flexion (right if unknown).</param>
    public KneeAngleEstimator(Side? side = null) => _sideSign = side == Side.Left ? -1 : 1;

    /// <summary>Times the knee signal was broken by a gap or a silent sensor.</summary>
    public long Breaks { get; private set; }

    /// <summary>Samples of either sensor that could not be paired (the other was silent or had a gap there).</summary>
    public long UnpairedSamples { get; private set; }

    /// <summary>The thigh's and the shank's flexion axes in their sensors' frames (for traces).</summary>
    internal (Vec3 Thigh, Vec3 Shank) Axes => (_thigh.Axis, _shank.Axis);

    /// <summary>Time of the latest knee sample read (long.MinValue before the first).</summary>
    public long LastTimeUs => _lastUs;

    public long OutOfOrderSamples => _thigh.OutOfOrderSamples + _shank.OutOfOrderSamples;

    /// <summary>Adds a sample of the thigh's or the shank's sensor.</summary>
    public void Add(Placement segment, in ImuSample sample)
    {
        switch (segment)
        {
            case Placement.Thigh:
                AddThigh(sample);
                break;
            case Placement.Shank:
                AddShank(sample);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(segment), segment, "a knee pair has a thigh and a shank");
        }
    }

    public void AddThigh(in ImuSample sample)
    {
        if (_thigh.Add(sample, _maxGapUs, out var point))
        {
            _thighQueue.Enqueue(point);
            _thighLatestUs = point.TimeUs;
        }
    }

    public void AddShank(in ImuSample sample)
    {
        if (_shank.Add(sample, _maxGapUs, out var point))
        {
            _shankQueue.Enqueue(point);
            _shankLatestUs = point.TimeUs;
        }
    }

    /// <summary>
    /// The next knee sample, in time order, once both streams have reached its time; false until then (call again
    /// after adding more samples).
    /// </summary>
    public bool TryRead(out KneeAngleSample knee)
    {
        knee = default;
        while (_thighQueue.Count > 0 || _shankQueue.Count > 0)
        {
            var fromThigh = _shankQueue.Count == 0 || (_thighQueue.Count > 0 && _thighQueue.Peek().TimeUs <= _shankQueue.Peek().TimeUs);
            var candidate = fromThigh ? _thighQueue.Peek() : _shankQueue.Peek();
            var other = fromThigh ? _shankQueue : _thighQueue;
            if (other.Count == 0)
            {
                // Wait for the other segment's batch covering this time, unless this stream has already run MaxLag
                // past it: then the other is silent (or has not started), and this sample is knee-less.
                var candidateLatestUs = fromThigh ? _thighLatestUs : _shankLatestUs;
                if (candidateLatestUs - candidate.TimeUs <= _maxLagUs)
                {
                    return false;
                }

                Consume(fromThigh, candidate, paired: false);
                continue;
            }

            var (hasBefore, before) = fromThigh ? (_hasShankPrevious, _shankPrevious) : (_hasThighPrevious, _thighPrevious);
            var after = other.Peek();
            var bracketed = after.TimeUs == candidate.TimeUs
                || (hasBefore && !after.Restarted && after.TimeUs - before.TimeUs <= _maxGapUs);
            if (!bracketed || candidate.Restarted)
            {
                Consume(fromThigh, candidate, paired: false);
                continue;
            }

            Consume(fromThigh, candidate, paired: true);
            if (candidate.TimeUs <= _lastUs)
            {
                continue; // both sensors sampled at this instant: one knee sample is enough
            }

            var interpolated = after.TimeUs == candidate.TimeUs ? after : Interpolate(before, after, candidate.TimeUs);
            knee = fromThigh ? Combine(candidate, interpolated) : Combine(interpolated, candidate);
            return true;
        }

        return false;
    }

    private void Consume(bool fromThigh, SegmentPoint point, bool paired)
    {
        if (fromThigh)
        {
            _thighQueue.Dequeue();
            (_thighPrevious, _hasThighPrevious) = (point, true);
        }
        else
        {
            _shankQueue.Dequeue();
            (_shankPrevious, _hasShankPrevious) = (point, true);
        }

        if (!paired)
        {
            UnpairedSamples++;
            if (!_broken)
            {
                _broken = true;
                Breaks++;
            }
        }
    }

    private static SegmentPoint Interpolate(SegmentPoint a, SegmentPoint b, long timeUs)
    {
        var f = b.TimeUs == a.TimeUs ? 1 : (double)(timeUs - a.TimeUs) / (b.TimeUs - a.TimeUs);
        double Lerp(double x, double y) => x + ((y - x) * f);
        return new SegmentPoint(
            timeUs,
            Lerp(a.AngleDeg, b.AngleDeg),
            Lerp(a.SpeedDps, b.SpeedDps),
            a.GravityAngleDeg + (Math.IEEERemainder(b.GravityAngleDeg - a.GravityAngleDeg, 360) * f),
            Lerp(a.Observability, b.Observability),
            Lerp(a.OutOfPlaneDeg, b.OutOfPlaneDeg),
            Restarted: false);
    }

    private KneeAngleSample Combine(SegmentPoint thigh, SegmentPoint shank)
    {
        // Knee flexion turns the shank back relative to the thigh: flexion = thigh angle - shank angle about the
        // lateral axis of a right leg; a left leg's lateral axis points the other way round the body.
        var gyroKneeDeg = _sideSign * (thigh.AngleDeg - shank.AngleDeg);
        var gravityKneeDeg = _sideSign * Math.IEEERemainder(thigh.GravityAngleDeg - shank.GravityAngleDeg, 360);
        var speedDps = _sideSign * (thigh.SpeedDps - shank.SpeedDps);
        var outOfPlaneDeg = (thigh.OutOfPlaneDeg + shank.OutOfPlaneDeg) / 2;
        var restarted = _broken;
        var dtS = 0.0;
        if (_broken)
        {
            _kneeDeg = gravityKneeDeg;
            _broken = false;
        }
        else
        {
            dtS = (thigh.TimeUs - _lastUs) / 1e6;
            _kneeDeg += gyroKneeDeg - _lastGyroKneeDeg;
            // Weighted by how well gravity shows both rotations: not at all if either axis is near vertical.
            var observability = Math.Min(thigh.Observability, shank.Observability);
            _kneeDeg += Math.IEEERemainder(gravityKneeDeg - _kneeDeg, 360) * observability * Math.Min(1, dtS / DriftCorrectionTimeConstantS);
        }

        _lastGyroKneeDeg = gyroKneeDeg;
        _lastUs = thigh.TimeUs;
        return new KneeAngleSample(thigh.TimeUs, dtS, _kneeDeg, speedDps, outOfPlaneDeg, restarted);
    }
}
