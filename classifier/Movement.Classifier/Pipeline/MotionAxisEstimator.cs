using Movement.Protocol;

namespace Movement.Classifier.Pipeline;

/// <summary>
/// Finds the axis a limb mostly rotates about (the joint's axis in the sensor frame): the dominant eigenvector of
/// an exponentially weighted covariance of the angular velocity while moving. Independent of how the sensor is
/// strapped on, so placement and mounting only change which axis comes out, not the maths.
/// </summary>
internal struct MotionAxisEstimator
{
    private const double MovingThresholdRadS = 10 * Math.PI / 180;
    private const double MemoryTimeConstantS = 120;
    private const double RefreshIntervalS = 0.2;

    private double _xx, _xy, _xz, _yy, _yz, _zz;
    private double _sinceRefreshS;

    public Vec3 Axis { get; private set; }

    public bool HasAxis { get; private set; }

    /// <summary>Seconds of movement the axis has been estimated from.</summary>
    public double MovingS { get; private set; }

    /// <summary>
    /// True once the axis has seen enough movement to be trusted: the first samples of a movement often turn about
    /// another axis (the limb sets off), and an angle measured about that first guess can change sign mid-rep.
    /// </summary>
    public readonly bool IsSettled => MovingS >= SettleAfterMovingS;

    private const double SettleAfterMovingS = 0.5;

    public void Update(Vec3 angularVelocity, double dtS)
    {
        var w = angularVelocity;
        if (w.Length >= MovingThresholdRadS)
        {
            MovingS += dtS;
            var k = Math.Min(1, dtS / MemoryTimeConstantS);
            _xx += k * ((w.X * w.X) - _xx);
            _xy += k * ((w.X * w.Y) - _xy);
            _xz += k * ((w.X * w.Z) - _xz);
            _yy += k * ((w.Y * w.Y) - _yy);
            _yz += k * ((w.Y * w.Z) - _yz);
            _zz += k * ((w.Z * w.Z) - _zz);
            if (!HasAxis)
            {
                Axis = w.Normalized();
                HasAxis = true;
            }
        }

        _sinceRefreshS += dtS;
        if (HasAxis && _sinceRefreshS >= RefreshIntervalS)
        {
            _sinceRefreshS = 0;
            // Power iteration from the previous axis: cheap, and keeps the axis' sign continuous.
            var v = Axis;
            for (var i = 0; i < 4; i++)
            {
                var next = new Vec3(
                    (_xx * v.X) + (_xy * v.Y) + (_xz * v.Z),
                    (_xy * v.X) + (_yy * v.Y) + (_yz * v.Z),
                    (_xz * v.X) + (_yz * v.Y) + (_zz * v.Z));
                if (next.Length == 0)
                {
                    return;
                }

                v = next.Normalized();
            }

            Axis = v;
        }
    }
}
