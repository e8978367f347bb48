using Movement.Protocol;

namespace Movement.Classifier.Pipeline;

/// <summary>
/// The per-sensor state machine: orientation, movement axis, joint angle about that axis, and repetition
/// segmentation. Works at any rate (time constants are in seconds, not samples), restarts cleanly after a gap,
/// and allocates nothing per sample. Live classification and replay both feed samples through this type.
/// </summary>
public sealed class SensorPipeline
{
    /// <summary>A longer silence than this is a gap: the rep in progress is dropped rather than guessed.</summary>
    public static readonly TimeSpan MaxGap = TimeSpan.FromSeconds(0.5);

    private const double RadToDeg = 180 / Math.PI;
    private readonly long _maxGapUs = (long)(MaxGap.TotalMilliseconds * 1000);
    private OrientationFilter _orientation;
    private MotionAxisEstimator _axis;
    private RepSegmenter _segmenter;
    private long _lastUs = long.MinValue;
    private double _angleDeg;
    private Vec3 _reference;
    private bool _hasReference;
    private bool _angleStarted;
    private bool _measureRise;
    private RiseEstimator _rise;
    // The gyroscope carries the angle only through fast movement; within half a second gravity takes over. A slower
    // correction (3 s) let a gyro offset of ~1°/s build up over a 5-s hold: leg raises measured 14° instead of 19°.
    private const double DriftCorrectionTimeConstantS = 0.5;

    public SensorPipeline(Placement placement = Placement.Other, Side? side = null)
    {
        Placement = placement;
        Side = side;
    }

    public Placement Placement { get; }

    public Side? Side { get; }

    /// <summary>Samples skipped because they went back in time or repeated a timestamp.</summary>
    public long OutOfOrderSamples { get; private set; }

    /// <summary>Gaps longer than <see cref="MaxGap"/> seen so far.</summary>
    public long Gaps { get; private set; }

    /// <summary>
    /// The angle being segmented, degrees: rotation about the movement axis relative to where the stream started, or
    /// (while <see cref="MeasuresRise"/>) the ankle angle of the leg's rise.
    /// </summary>
    public double AngleDeg => _measureRise ? _rise.AnkleAngleDeg : _angleDeg;

    /// <summary>Unit gravity direction in the sensor frame (for pairing thigh and shank into a knee angle).</summary>
    internal Vec3 Gravity => _orientation.Gravity;

    /// <summary>Angular velocity after the last sample, gyro bias removed, sensor frame (rad/s): for the knee, as <see cref="Gravity"/>.</summary>
    internal Vec3 AngularVelocity => _orientation.AngularVelocity;

    public double BaselineRomDeg => _segmenter.BaselineRomDeg;

    /// <summary>Whether a repetition is under way (for traces: `movement trace`, `movement trace-pair`).</summary>
    public bool InRep => _segmenter.InRep;

    /// <summary>Times the stream's outward direction was corrected; earlier reps' measurements were taken the wrong way round.</summary>
    public int DirectionFlips => _segmenter.DirectionFlips;

    /// <summary>
    /// Gravity's angle about the axis, measured from the starting rest (null when the reference lies too close to the
    /// axis to measure from). Seen from the sensor, gravity turns the opposite way to the sensor (dg/dt = g x w), so
    /// a turn of +x about the axis moves gravity's angle by -x: the sign follows from geometry, not from the first reps.
    /// </summary>
    private double? GravityAngleDeg(Vec3 axis)
    {
        var e1 = _reference - (axis * _reference.Dot(axis));
        if (e1.Length < 0.3)
        {
            return null;
        }

        e1 = e1.Normalized();
        var e2 = axis.Cross(e1);
        var gravity = _orientation.Gravity;
        return -Math.Atan2(gravity.Dot(e2), gravity.Dot(e1)) * RadToDeg;
    }

    /// <summary>
    /// Pulls the integrated angle towards the angle of gravity about the axis, which does not drift. Weighted by how
    /// observable that angle is: not at all when the axis is vertical (rotation about gravity is invisible to it).
    /// </summary>
    private void CorrectDriftFromGravity(Vec3 axis, double dtS)
    {
        if (GravityAngleDeg(axis) is not { } gravityAngleDeg)
        {
            _reference = _orientation.Gravity; // the reference drifted close to the axis: restart it (the integrated angle carries on)
            return;
        }

        var gravity = _orientation.Gravity;
        var inPlane = gravity - (axis * gravity.Dot(axis));
        var observability = inPlane.Dot(inPlane);
        var differenceDeg = Degrees.Wrap(gravityAngleDeg - _angleDeg);
        _angleDeg += differenceDeg * observability * Math.Min(1, dtS / DriftCorrectionTimeConstantS);
    }

    /// <summary>
    /// Forgets the segmenter's outward direction and range (a new exercise may move the other way, and over a
    /// fraction of the last one's range: a mini squat after a knee extension); the axis and orientation carry on.
    /// </summary>
    /// <param name="measureRise">Segment the sensor's rise (<see cref="RiseEstimator"/>) instead of its rotation: for a heel raise.</param>
    public void StartNewExercise(bool measureRise = false)
    {
        _segmenter = measureRise ? RepSegmenter.WithOutwardDirection(+1) : default; // a heel raise goes up first
        _measureRise = measureRise; // the rise estimate runs all along, so it is settled when a heel raise starts
    }

    /// <summary>True while the pipeline segments the sensor's rise instead of its rotation.</summary>
    public bool MeasuresRise => _measureRise;

    /// <summary>Feeds one sample; returns true when this sample completes a repetition.</summary>
    public bool Add(in ImuSample sample, out RepMeasurement rep)
    {
        rep = default;
        var dtS = 0.0;
        if (_lastUs != long.MinValue)
        {
            var deltaUs = sample.TimestampUs - _lastUs;
            if (deltaUs <= 0)
            {
                OutOfOrderSamples++;
                return false;
            }

            if (deltaUs > _maxGapUs)
            {
                Gaps++;
                _orientation.Reset();
                _segmenter.Reset();
                // Start the angle again from gravity: the limb may rest elsewhere after the gap (seated now, standing
                // before), and letting the drift correction pull the angle there would look like a movement.
                _angleStarted = false;
            }
            else
            {
                dtS = deltaUs / 1e6;
            }
        }

        _lastUs = sample.TimestampUs;
        var accel = new Vec3(sample.AccelX, sample.AccelY, sample.AccelZ);
        var hasGyro = sample.HasGyro;
        var gyro = hasGyro ? new Vec3(sample.GyroX, sample.GyroY, sample.GyroZ) : Vec3.Zero;
        _orientation.Update(accel, gyro, hasGyro, dtS);
        if (dtS == 0)
        {
            return false;
        }

        var omega = _orientation.AngularVelocity;
        _axis.Update(omega, dtS);
        _rise.Update(accel, _orientation.Gravity, dtS);
        if (_measureRise)
        {
            // Only the upward swing is the rep: the band-pass also swings below zero as the leg is lowered, and a
            // rest level that followed it down would make the recovery look like the next rise.
            return _segmenter.Add(sample.TimestampUs, dtS, Math.Max(0, _rise.AnkleAngleDeg), _rise.AnkleSpeedDps, 0, out rep);
        }

        if (!_hasReference)
        {
            _reference = _orientation.Gravity; // where the limb rests when the stream starts: angle 0
            _hasReference = true;
        }

        if (!_axis.IsSettled)
        {
            // No trusted axis yet, so no angle. The segmenter sees rest while the limb is still, so a first rep that
            // starts now is timed from its real start; it is measured once the axis has settled.
            if (!_axis.HasAxis)
            {
                _segmenter.Add(sample.TimestampUs, dtS, 0, 0, 0, out _);
            }

            return false;
        }

        var axis = _axis.Axis;
        var axisSpeedDps = omega.Dot(axis) * RadToDeg;
        if (!_angleStarted)
        {
            // The axis has just settled: start from gravity's angle about it, measured from the starting rest.
            _angleStarted = true;
            _angleDeg = GravityAngleDeg(axis) ?? 0;
        }

        _angleDeg += axisSpeedDps * dtS;
        CorrectDriftFromGravity(axis, dtS);
        var outOfPlaneDeg = Math.Asin(Math.Clamp(_orientation.Gravity.Dot(axis), -1, 1)) * RadToDeg;
        return _segmenter.Add(sample.TimestampUs, dtS, _angleDeg, axisSpeedDps, outOfPlaneDeg, out rep);
    }
}
