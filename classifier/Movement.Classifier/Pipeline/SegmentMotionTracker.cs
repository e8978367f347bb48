using Movement.Protocol;

namespace Movement.Classifier.Pipeline;

/// <summary>One leg segment's state after a sample: what <see cref="KneeAngleEstimator"/> pairs with the other segment.</summary>
/// <param name="AngularVelocity">Gyroscope rate, bias removed, in the sensor's frame (rad/s).</param>
/// <param name="Up">Unit vector of "up" (against gravity) in the sensor's frame, from the orientation filter.</param>
/// <param name="Still">The segment has been still (at rest on its gyroscope and accelerometer) for a while.</param>
/// <param name="Restarted">The segment's stream restarted here (first sample or after a gap): no rotation is known across it.</param>
internal readonly record struct SegmentPoint(long TimeUs, Vec3 AngularVelocity, Vec3 Up, bool Still, bool Restarted);

/// <summary>
/// One leg segment's (thigh's or shank's) sensor, filtered: its angular velocity and where up is, both in the
/// sensor's own frame (<see cref="OrientationFilter"/>). Which axis the segment turns about is the pair's business
/// (<see cref="JointAxisIdentifier"/>), since only the two segments together show the knee's hinge.
/// </summary>
internal struct SegmentMotionTracker
{
    /// <summary>Below this rate (rad/s) the segment counts as still.</summary>
    private const double StillRadS = 0.15;

    /// <summary>Still this long before a pose counts as held (a pause, not the turn of a rep).</summary>
    private const long StillForUs = 1_000_000;

    private OrientationFilter _orientation;
    private long _lastUs;
    private long _stillSinceUs;
    private bool _started;

    /// <summary>Samples skipped because they went back in time or repeated a timestamp.</summary>
    public long OutOfOrderSamples { get; private set; }

    /// <summary>Feeds one raw sample through this tracker's own orientation filter; false when it was skipped (out of order).</summary>
    public bool Add(in ImuSample sample, long maxGapUs, out SegmentPoint point)
    {
        point = default;
        if (!Advance(sample.TimestampUs, maxGapUs, out var restarted, out var dtS))
        {
            return false;
        }

        if (restarted)
        {
            _orientation.Reset();
        }

        var hasGyro = sample.HasGyro;
        _orientation.Update(
            new Vec3(sample.AccelX, sample.AccelY, sample.AccelZ),
            hasGyro ? new Vec3(sample.GyroX, sample.GyroY, sample.GyroZ) : Vec3.Zero,
            hasGyro,
            dtS);
        point = Track(sample.TimestampUs, _orientation.AngularVelocity, _orientation.Gravity, restarted);
        return true;
    }

    /// <summary>
    /// Feeds one sample already filtered by the sensor's own pipeline (its <see cref="OrientationFilter"/> state after
    /// the sample), so a live sensor's orientation is tracked once; false when it was skipped (out of order).
    /// </summary>
    public bool Add(long timeUs, Vec3 angularVelocity, Vec3 up, long maxGapUs, out SegmentPoint point)
    {
        point = default;
        if (!Advance(timeUs, maxGapUs, out var restarted, out _))
        {
            return false;
        }

        point = Track(timeUs, angularVelocity, up, restarted);
        return true;
    }

    private bool Advance(long timeUs, long maxGapUs, out bool restarted, out double dtS)
    {
        restarted = !_started;
        dtS = 0.0;
        if (_started)
        {
            var deltaUs = timeUs - _lastUs;
            if (deltaUs <= 0)
            {
                OutOfOrderSamples++;
                return false;
            }

            if (deltaUs > maxGapUs)
            {
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

        _lastUs = timeUs;
        return true;
    }

    private SegmentPoint Track(long timeUs, Vec3 omega, Vec3 up, bool restarted)
    {
        if (restarted || omega.Length >= StillRadS)
        {
            _stillSinceUs = timeUs;
        }

        return new SegmentPoint(timeUs, omega, up, timeUs - _stillSinceUs >= StillForUs, restarted);
    }
}
