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
/// Knee flexion from a thigh and a shank sensor on the same leg, with no calibration: the knee's hinge axis in each
/// sensor's frame is found from the movement (<see cref="JointAxisIdentifier"/>), so the sensors may sit turned on
/// their segments. The knee angle is the gyroscopes' rotation about that axis, thigh minus shank, integrated, and
/// pulled towards the difference of the two segments' angles about it read from gravity, which does not drift
/// (faster while both are still, when the accelerometers measure gravity alone). The zero of the gravity angles is
/// each sensor's −x (up the segment by the nominal mounting). The streams arrive as separate batches with their own timestamps and rates:
/// samples are queued per segment and merged in time order, the other segment linearly interpolated to each
/// sample's time, so the output runs at the union of both rates. A gap in either stream, or one stream running
/// <see cref="MaxLag"/> ahead of a silent other, breaks the knee signal (<see cref="KneeAngleSample.Restarted"/>).
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

    /// <summary>The same while both segments are still: gravity is then all the accelerometers measure.</summary>
    public const double StillCorrectionTimeConstantS = 0.5;

    private const double RadToDeg = 180 / Math.PI;

    /// <summary>Low-pass of the angular velocities the axes are fitted to (~1.6 Hz).</summary>
    private const double AxisSmoothingTimeConstantS = 0.1;




    private static readonly Vec3 Proximal = new(-1, 0, 0); // x points down the segment: "up" at rest is -x
    private static readonly Vec3 Lateral = new(0, 0, 1); // z out of the skin on the lateral side (nominal mounting)

    /// <summary>|axis·z| from which a segment's principal axis is taken as the hinge's (~45°; strapping roll is ±25° when worn as intended).</summary>
    private const double MinLateralComponent = 0.7;

    /// <summary>
    /// Samples each segment's queue holds before it grows: 0.6 s at 100 Hz, a few batches of lag between the two
    /// streams. It grows (and stays grown) when one stream's batches run further ahead, up to <see cref="MaxLag"/>:
    /// sizing it for that up front (2 s at 200 Hz, 25 KiB a queue) would spend memory that timely batches never use.
    /// </summary>
    private const int QueueCapacity = 64;

    private readonly long _maxGapUs = (long)(MaxGap.TotalMilliseconds * 1000);
    private readonly long _maxLagUs = (long)(MaxLag.TotalMilliseconds * 1000);
    private readonly double _sideSign;
    private readonly PointQueue _thighQueue = new(QueueCapacity);
    private readonly PointQueue _shankQueue = new(QueueCapacity);
    private readonly JointAxisIdentifier _axes = new();
    private SegmentMotionTracker _thigh;
    private SegmentMotionTracker _shank;
    private SegmentPoint _thighPrevious;
    private SegmentPoint _shankPrevious;
    private bool _hasThighPrevious;
    private bool _hasShankPrevious;
    private long _thighLatestUs = long.MinValue;
    private long _shankLatestUs = long.MinValue;
    private bool _broken = true;
    private long _lastUs = long.MinValue;
    private double _kneeDeg;
    private double _lastSpeedDps;
    private MotionAxisEstimator _thighPrincipal;
    private MotionAxisEstimator _shankPrincipal;
    private Vec3 _thighSmoothed;
    private Vec3 _shankSmoothed;
    private RotationPlane _thighPlane;
    private RotationPlane _shankPlane;

    /// <param name="side">The leg: it decides which sense of rotation about the lateral axis is flexion (right if unknown).</param>
    public KneeAngleEstimator(Side? side = null) => _sideSign = side == Side.Left ? -1 : 1;

    /// <summary>Times the knee signal was broken by a gap or a silent sensor.</summary>
    public long Breaks { get; private set; }

    /// <summary>Samples of either sensor that could not be paired (the other was silent or had a gap there).</summary>
    public long UnpairedSamples { get; private set; }

    /// <summary>The knee's hinge axis in the thigh's and the shank's sensor frames (for traces).</summary>
    public (Vec3 Thigh, Vec3 Shank) Axes { get; private set; } = (Lateral, Lateral);


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
    /// Adds a sample of the thigh's or the shank's sensor as that sensor's own pipeline has already filtered it
    /// (angular velocity in rad/s with the gyro's bias removed, and the unit up vector, both in the sensor's frame):
    /// the live path, where each sensor's orientation is tracked once for its own reps and for the knee.
    /// </summary>
    internal void Add(Placement segment, long timeUs, Vec3 angularVelocity, Vec3 up)
    {
        switch (segment)
        {
            case Placement.Thigh when _thigh.Add(timeUs, angularVelocity, up, _maxGapUs, out var point):
                _thighQueue.Enqueue(point);
                _thighLatestUs = point.TimeUs;
                break;
            case Placement.Shank when _shank.Add(timeUs, angularVelocity, up, _maxGapUs, out var point):
                _shankQueue.Enqueue(point);
                _shankLatestUs = point.TimeUs;
                break;
            case Placement.Thigh or Placement.Shank:
                break; // skipped as out of order (counted by the segment)
            default:
                throw new ArgumentOutOfRangeException(nameof(segment), segment, "a knee pair has a thigh and a shank");
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
            ref readonly var candidate = ref (fromThigh ? _thighQueue : _shankQueue).Peek();
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

                Consume(fromThigh, paired: false);
                continue;
            }

            var hasBefore = fromThigh ? _hasShankPrevious : _hasThighPrevious;
            ref readonly var before = ref (fromThigh ? ref _shankPrevious : ref _thighPrevious);
            ref readonly var after = ref other.Peek();
            var paired = !candidate.Restarted
                && (after.TimeUs == candidate.TimeUs || (hasBefore && !after.Restarted && after.TimeUs - before.TimeUs <= _maxGapUs));
            Consume(fromThigh, paired);
            if (!paired)
            {
                continue;
            }

            ref readonly var current = ref (fromThigh ? ref _thighPrevious : ref _shankPrevious);
            if (current.TimeUs <= _lastUs)
            {
                continue; // both sensors sampled at this instant: one knee sample is enough
            }

            var interpolated = after.TimeUs == current.TimeUs ? after : Interpolate(before, after, current.TimeUs);
            knee = fromThigh ? Combine(current, interpolated) : Combine(interpolated, current);
            return true;
        }

        return false;
    }

    /// <summary>Takes the head of a segment's queue as that segment's latest point (read in place, then dropped).</summary>
    private void Consume(bool fromThigh, bool paired)
    {
        if (fromThigh)
        {
            _thighPrevious = _thighQueue.Peek();
            _hasThighPrevious = true;
            _thighQueue.Dequeue();
        }
        else
        {
            _shankPrevious = _shankQueue.Peek();
            _hasShankPrevious = true;
            _shankQueue.Dequeue();
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

    private static SegmentPoint Interpolate(in SegmentPoint a, in SegmentPoint b, long timeUs)
    {
        var f = b.TimeUs == a.TimeUs ? 1 : (double)(timeUs - a.TimeUs) / (b.TimeUs - a.TimeUs);
        return new SegmentPoint(
            timeUs,
            a.AngularVelocity + ((b.AngularVelocity - a.AngularVelocity) * f),
            (a.Up + ((b.Up - a.Up) * f)).Normalized(),
            a.Still && b.Still,
            Restarted: false);
    }

    private KneeAngleSample Combine(in SegmentPoint thigh, in SegmentPoint shank)
    {
        var dtS = _broken ? 0.0 : (thigh.TimeUs - _lastUs) / 1e6;
        // The axes are found from the limb's movement (a few Hz), not from the sensors rocking on soft tissue (6 Hz and up).
        var smoothing = _broken ? 1 : dtS / (AxisSmoothingTimeConstantS + dtS);
        _thighSmoothed += (thigh.AngularVelocity - _thighSmoothed) * smoothing;
        _shankSmoothed += (shank.AngularVelocity - _shankSmoothed) * smoothing;
        if (dtS > 0)
        {
            _thighPrincipal.Update(_thighSmoothed, dtS);
            _shankPrincipal.Update(_shankSmoothed, dtS);
        }

        _axes.StartFrom(NearLateral(_thighPrincipal, Lateral), NearLateral(_shankPrincipal, Lateral));
        _axes.Add(thigh.TimeUs, _thighSmoothed, _shankSmoothed);
        // Each segment's own principal axis while it is near lateral (a sensor strapped as intended: this is the
        // hinge's axis whenever the segment turns mostly about the knee); the hinge fit's where it is not (a sensor
        // turned far round the limb, or a segment turning most about another axis).
        var (thighAxis, shankAxis) = (NearLateral(_thighPrincipal, _axes.Thigh), NearLateral(_shankPrincipal, _axes.Shank));
        Axes = (thighAxis, shankAxis);
        var still = thigh.Still && shank.Still;
        // Knee flexion turns the shank back relative to the thigh: flexion = thigh angle - shank angle about the
        // lateral axis of a right leg; a left leg's lateral axis points the other way round the body.
        var speedDps = _sideSign * (thigh.AngularVelocity.Dot(thighAxis) - shank.AngularVelocity.Dot(shankAxis)) * RadToDeg;
        var gravityKneeDeg = GravityKneeDeg(thigh, shank, thighAxis, shankAxis);
        var outOfPlaneDeg = (OutOfPlaneDeg(thigh.Up, thighAxis) + OutOfPlaneDeg(shank.Up, shankAxis)) / 2;
        var restarted = _broken;
        if (_broken)
        {
            _kneeDeg = gravityKneeDeg;
            _broken = false;
        }
        else
        {
            _kneeDeg += (speedDps + _lastSpeedDps) / 2 * dtS;
            // Weighted by how well gravity shows both rotations: not at all if either axis is near vertical.
            var observability = Math.Min(Observability(thigh.Up, thighAxis), Observability(shank.Up, shankAxis));
            var timeConstantS = still ? StillCorrectionTimeConstantS : DriftCorrectionTimeConstantS;
            _kneeDeg += Degrees.Wrap(gravityKneeDeg - _kneeDeg) * observability * Math.Min(1, dtS / timeConstantS);
        }

        _lastSpeedDps = speedDps;
        _lastUs = thigh.TimeUs;
        return new KneeAngleSample(thigh.TimeUs, dtS, _kneeDeg, speedDps, outOfPlaneDeg, restarted);
    }

    /// <summary>
    /// A segment's principal axis, oriented to its sensor's +z, if it lies within ~45° of lateral (|axis·z| ≥ 0.7);
    /// else <paramref name="otherwise"/>: a thigh that hardly flexes (seated knee extension) turns most about other
    /// axes (sway, rolling about its length), and a sensor turned far round the limb has its hinge far from z.
    /// </summary>
    private static Vec3 NearLateral(in MotionAxisEstimator principal, Vec3 otherwise)
    {
        if (!principal.HasAxis)
        {
            return otherwise;
        }

        var lateral = principal.Axis.Dot(Lateral);
        return Math.Abs(lateral) >= MinLateralComponent ? principal.Axis * Math.Sign(lateral) : otherwise;
    }

    /// <summary>The knee angle read from gravity alone: the two segments' gravity angles about their axes.</summary>
    private double GravityKneeDeg(in SegmentPoint thigh, in SegmentPoint shank, Vec3 thighAxis, Vec3 shankAxis) =>
        _sideSign * Degrees.Wrap(_thighPlane.AngleDeg(thigh.Up, thighAxis) - _shankPlane.AngleDeg(shank.Up, shankAxis));

    /// <summary>
    /// A segment's plane of rotation about its axis, kept while the axis stays the same (it moves only when an axis
    /// estimate does, a few times a second at most).
    /// </summary>
    private struct RotationPlane
    {
        private Vec3 _axis;
        private Vec3 _e1;
        private Vec3 _e2;
        private bool _known;

        /// <summary>
        /// The segment's rotation about the axis read from gravity, from the sensor's −x ("up the segment") as the
        /// zero: a segment turning by +x about the axis sees the (world-fixed) up direction turn by -x in its own
        /// frame, hence the minus.
        /// </summary>
        public double AngleDeg(Vec3 up, Vec3 axis)
        {
            if (!_known || axis != _axis)
            {
                _axis = axis;
                _e1 = (Proximal - (axis * Proximal.Dot(axis))).Normalized();
                _e2 = axis.Cross(_e1);
                _known = true;
            }

            return -Math.Atan2(up.Dot(_e2), up.Dot(_e1)) * RadToDeg;
        }
    }

    /// <summary>Share of gravity in the plane of rotation (0 when the axis is vertical: gravity says nothing).</summary>
    private static double Observability(Vec3 up, Vec3 axis)
    {
        var inPlane = up - (axis * up.Dot(axis));
        return inPlane.Dot(inPlane);
    }

    private static double OutOfPlaneDeg(Vec3 up, Vec3 axis) => Math.Asin(Math.Clamp(up.Dot(axis), -1, 1)) * RadToDeg;

    /// <summary>
    /// A segment's points waiting for the other segment, oldest first. Unlike <see cref="Queue{T}"/>, the head is
    /// read in place: a point is 64 bytes, and the merge looks at both heads for every knee sample.
    /// </summary>
    private sealed class PointQueue(int capacity)
    {
        private SegmentPoint[] _items = new SegmentPoint[capacity]; // a power of two: indices wrap by mask
        private int _head;

        public int Count { get; private set; }

        public ref readonly SegmentPoint Peek()
        {
            if (Count == 0)
            {
                throw new InvalidOperationException("the queue is empty");
            }

            return ref _items[_head];
        }

        public void Enqueue(in SegmentPoint point)
        {
            if (Count == _items.Length)
            {
                var grown = new SegmentPoint[_items.Length * 2];
                for (var i = 0; i < Count; i++)
                {
                    grown[i] = _items[(_head + i) & (_items.Length - 1)];
                }

                (_items, _head) = (grown, 0);
            }

            _items[(_head + Count) & (_items.Length - 1)] = point;
            Count++;
        }

        public void Dequeue()
        {
            _ = Peek();
            _head = (_head + 1) & (_items.Length - 1);
            Count--;
        }
    }
}
