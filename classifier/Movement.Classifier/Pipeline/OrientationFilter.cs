using Movement.Protocol;

namespace Movement.Classifier.Pipeline;

/// <summary>
/// Tracks the direction of gravity in the sensor frame and the sensor's angular velocity. With a gyroscope it is
/// a complementary filter (gyro for fast changes, accelerometer to remove drift); without one, a low-pass of the
/// accelerometer, whose rate of change stands in for the gyroscope.
/// </summary>
internal struct OrientationFilter
{
    private const double StandardGravity = Movement.Protocol.Gravity.StandardMps2;
    private const double AccelCorrectionTimeConstantS = 0.8;
    private const double AccelOnlyTimeConstantS = 0.08;

    /// <summary>Unit vector of gravity in the sensor frame.</summary>
    public Vec3 Gravity { get; private set; }

    /// <summary>Angular velocity in rad/s, sensor frame (estimated from gravity's motion when there is no gyroscope).</summary>
    public Vec3 AngularVelocity { get; private set; }

    public bool Initialized { get; private set; }

    /// <summary>Gyroscope offset learned while the sensor is still (rad/s); MEMS gyros drift by degrees per second.</summary>
    public Vec3 GyroBias { get; private set; }

    private const double StillRateRadS = 4 * Math.PI / 180;
    private const double StillForS = 0.3;
    private const double BiasTimeConstantS = 3;
    private Vec3 _accelDirection;
    private double _accelRateRadS;
    private double _stillS;

    public void Reset()
    {
        var bias = GyroBias;
        this = default;
        GyroBias = bias; // the offset is a property of the chip, not of the gap
    }

    public void Update(Vec3 accel, Vec3 gyro, bool hasGyro, double dtS)
    {
        var accelNorm = accel.Length;
        if (!Initialized)
        {
            Gravity = accelNorm > 0 ? accel * (1 / accelNorm) : new Vec3(0, 0, 1);
            _accelDirection = Gravity;
            AngularVelocity = hasGyro ? gyro : Vec3.Zero;
            Initialized = true;
            return;
        }

        if (hasGyro && accelNorm > 0 && dtS > 0)
        {
            // Still = the accelerometer's direction is not turning and it reads about 1 g; then the gyro should read 0.
            var direction = _accelDirection + (((accel * (1 / accelNorm)) - _accelDirection) * (dtS / (0.15 + dtS)));
            direction = direction.Normalized();
            var rate = _accelDirection.Cross(direction).Length / dtS;
            _accelRateRadS += (rate - _accelRateRadS) * (dtS / (0.2 + dtS));
            _accelDirection = direction;
            var still = _accelRateRadS < StillRateRadS && Math.Abs(accelNorm - StandardGravity) < 0.05 * StandardGravity
                && (gyro - GyroBias).Length < 1.5 * StillRateRadS;
            _stillS = still ? _stillS + dtS : 0;
            if (_stillS >= StillForS)
            {
                GyroBias += (gyro - GyroBias) * Math.Min(1, dtS / BiasTimeConstantS);
            }

            gyro -= GyroBias;
        }

        var previous = Gravity;
        if (hasGyro)
        {
            // A world-fixed vector seen from a rotating frame turns the other way: dg/dt = g x w.
            var predicted = (previous + (previous.Cross(gyro) * dtS)).Normalized();
            // Trust the accelerometer less while it also measures the limb's own acceleration.
            var trust = Math.Abs(accelNorm - StandardGravity) < 0.25 * StandardGravity ? 1.0 : 0.1;
            var k = Math.Min(1, trust * dtS / AccelCorrectionTimeConstantS);
            Gravity = accelNorm > 0 ? (predicted + (((accel * (1 / accelNorm)) - predicted) * k)).Normalized() : predicted;
            AngularVelocity = gyro;
            return;
        }

        var alpha = dtS / (AccelOnlyTimeConstantS + dtS);
        var filtered = previous + (((accelNorm > 0 ? accel * (1 / accelNorm) : previous) - previous) * alpha);
        Gravity = filtered.Normalized();
        // Only the rotation perpendicular to gravity is observable without a gyroscope. Gravity turns as
        // dg/dt = g x w, so g_new x g_old = w_perp dt: the same sign convention as a gyroscope's.
        AngularVelocity = dtS > 0 ? Gravity.Cross(previous) * (1 / dtS) : Vec3.Zero;
    }
}
