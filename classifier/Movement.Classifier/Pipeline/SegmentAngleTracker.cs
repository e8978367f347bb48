using Movement.Protocol;

namespace Movement.Classifier.Pipeline;

/// <summary>One leg segment's state after a sample: what <see cref="KneeAngleEstimator"/> pairs with the other segment.</summary>
/// <param name="AngleDeg">Gyroscope rotation about the segment's (lateral-oriented) flexion axis, integrated; drifts.</param>
/// <param name="SpeedDps">Angular velocity about that axis.</param>
/// <param name="GravityAngleDeg">The same rotation read from gravity (drift-free, noisy while the limb accelerates).</param>
/// <param name="Observability">Share of gravity in the plane of rotation (0 when the axis is vertical: gravity says nothing).</param>
/// <param name="OutOfPlaneDeg">Tilt of the axis out of the horizontal (sway of the movement plane).</param>
/// <param name="Restarted">The segment's stream restarted here (first sample or after a gap): no rotation is known across it.</param>
internal readonly record struct SegmentPoint(
    long TimeUs, double AngleDeg, double SpeedDps, double GravityAngleDeg, double Observability, double OutOfPlaneDeg, bool Restarted);

/// <summary>
/// Rotation of one leg segment (thigh or shank) about its flexion axis, from its own sensor. The axis is the one
/// the segment turns about most (<see cref="MotionAxisEstimator"/>), oriented towards the sensor's +z: the pair
/// assumes both sensors are strapped on the lateral side with z out of the skin (the UCI Xsens and the motion model's
/// mounting), so both axes then point the same way, laterally, and the two rotations can be subtracted.
/// Until the segment has moved enough to show its axis, or while its principal axis is far from lateral, z stands in for it.
/// </summary>
internal struct SegmentAngleTracker
{
    private const double RadToDeg = 180 / Math.PI;

    /// <summary>
    /// The segment's own principal axis is used only when it lies within ~45° of lateral (|axis·z| ≥ 0.7; strapping
    /// roll is ±25° at most): a thigh that hardly flexes (seated knee extension) turns most about other axes
    /// (sway, rolling about its length), and those are not the knee's axis.
    /// </summary>
    private const double MinLateralComponent = 0.7;

    private static readonly Vec3 Lateral = new(0, 0, 1);
    private static readonly Vec3 Proximal = new(-1, 0, 0); // x points down the segment: "up" at rest is -x

    private OrientationFilter _orientation;
    private MotionAxisEstimator _axis;
    private long _lastUs;
    private bool _started;
    private double _angleDeg;

    /// <summary>Samples skipped because they went back in time or repeated a timestamp.</summary>
    public long OutOfOrderSamples { get; private set; }

    /// <summary>The flexion axis in the sensor frame, oriented laterally (+z side).</summary>
    public readonly Vec3 Axis
    {
        get
        {
            if (!_axis.HasAxis)
            {
                return Lateral;
            }

            var lateral = _axis.Axis.Dot(Lateral);
            return Math.Abs(lateral) >= MinLateralComponent ? _axis.Axis * Math.Sign(lateral) : Lateral;
        }
    }

    /// <summary>Feeds one sample; false when it was skipped (out of order).</summary>
    public bool Add(in ImuSample sample, long maxGapUs, out SegmentPoint point)
    {
        point = default;
        var restarted = !_started;
        var dtS = 0.0;
        if (_started)
        {
            var deltaUs = sample.TimestampUs - _lastUs;
            if (deltaUs <= 0)
            {
                OutOfOrderSamples++;
                return false;
            }

            if (deltaUs > maxGapUs)
            {
                _orientation.Reset();
                restarted = true;
            }
            else
            {
                dtS = deltaUs / 1e6;
            }
        }
        else
        {
            _started = true;
        }

        _lastUs = sample.TimestampUs;
        var hasGyro = sample.HasGyro;
        _orientation.Update(
            new Vec3(sample.AccelX, sample.AccelY, sample.AccelZ),
            hasGyro ? new Vec3(sample.GyroX, sample.GyroY, sample.GyroZ) : Vec3.Zero,
            hasGyro,
            dtS);
        var omega = _orientation.AngularVelocity;
        if (dtS > 0)
        {
            _axis.Update(omega, dtS);
        }

        var axis = Axis;
        var speedDps = omega.Dot(axis) * RadToDeg;
        _angleDeg += speedDps * dtS;

        // Gravity's angle about the axis, measured from the segment's "up" (-x) as the zero: a segment turning by +x
        // about the axis sees the (world-fixed) up direction turn by -x in its own frame, hence the minus.
        var up = _orientation.Gravity;
        var reference = Proximal - (axis * Proximal.Dot(axis));
        var e1 = reference.Normalized();
        var e2 = axis.Cross(e1);
        var inPlane = up - (axis * up.Dot(axis));
        var gravityAngleDeg = -Math.Atan2(up.Dot(e2), up.Dot(e1)) * RadToDeg;
        var outOfPlaneDeg = Math.Asin(Math.Clamp(up.Dot(axis), -1, 1)) * RadToDeg;
        point = new SegmentPoint(sample.TimestampUs, _angleDeg, speedDps, gravityAngleDeg, inPlane.Dot(inPlane), outOfPlaneDeg, restarted);
        return true;
    }
}
