using Movement.Motion.Kinematics;
using Movement.Protocol;

namespace Movement.Motion.Sensors;

/// <summary>
/// One simulated IMU: where it sits on the leg, how it is rotated there, and its errors. The nominal mounting
/// is on the lateral side of the segment with x pointing distally (down the leg), z out of the skin (lateral)
/// and y = z × x (anterior on a right leg), like the Xsens units of the UCI physical therapy data set.
/// </summary>
public sealed record SensorSpec
{
    public Placement Placement { get; init; } = Placement.Shank;

    /// <summary>Position along the segment from its proximal joint (knee for the shank, hip for the thigh), 0..1.</summary>
    public double AlongSegmentFraction { get; init; } = 0.4;

    /// <summary>Distance of the sensor from the bone axis towards the lateral skin, metres.</summary>
    public double SkinOffsetM { get; init; } = 0.05;

    /// <summary>Mounting rotation about the sensor's x (distal) axis, degrees: strap turned round the limb.</summary>
    public double MountRollDeg { get; init; }

    /// <summary>Mounting rotation about the sensor's z axis, degrees: sensor tilted on the skin.</summary>
    public double MountYawDeg { get; init; }

    /// <summary>Mounting rotation about the sensor's y axis, degrees: skin surface not parallel to the bone.</summary>
    public double MountPitchDeg { get; init; }

    /// <summary>
    /// Soft-tissue wobble: peak rotation of the sensor relative to the bone, degrees, rocking about its x and y axes
    /// (the strap on muscle and skin). 0 = rigidly on the bone.
    /// </summary>
    public double WobbleDeg { get; init; }

    /// <summary>Peak displacement of the sensor relative to the bone by the same wobble, millimetres (in the segment's frame).</summary>
    public double WobbleMm { get; init; }

    /// <summary>Frequency of the wobble about x; the wobble about y runs at 1.37× it, so the two never line up.</summary>
    public double WobbleHz { get; init; } = 12;

    public double SampleRateHz { get; init; } = 50;

    /// <summary>Clock error of the sensor: actual rate = nominal × (1 + ppm·10⁻⁶).</summary>
    public double RateErrorPpm { get; init; }

    /// <summary>Standard deviation of sample-time jitter as a fraction of the sample period (clamped to ±0.3 period).</summary>
    public double JitterFraction { get; init; }

    public bool HasGyro { get; init; } = true;

    public Vec3 AccelBiasMps2 { get; init; }

    /// <summary>Per-axis scale error as a fraction (0.02 = reads 2% high).</summary>
    public Vec3 AccelScaleError { get; init; }

    public double AccelNoiseMps2 { get; init; }

    public Vec3 GyroBiasRadPerS { get; init; }

    public Vec3 GyroScaleError { get; init; }

    public double GyroNoiseRadPerS { get; init; }

    /// <summary>Full-scale ranges: readings saturate here like a real ±16 g / ±2000 deg/s part.</summary>
    public double AccelRangeMps2 { get; init; } = 16 * Movement.Protocol.Gravity.StandardMps2;

    public double GyroRangeRadPerS { get; init; } = 2000 * Math.PI / 180;

    /// <summary>A perfect sensor at the nominal mounting: for tests of the physics.</summary>
    public static SensorSpec Ideal(Placement placement, double sampleRateHz = 100) => new()
    {
        Placement = placement,
        AlongSegmentFraction = placement == Placement.Thigh ? 0.8 : 0.4,
        SampleRateHz = sampleRateHz,
    };

    /// <summary>A sensor with realistic random mounting and errors (consumer MEMS IMU strapped on by a person).</summary>
    public static SensorSpec Random(Random random, Placement placement, double? sampleRateHz = null)
    {
        double Uniform(double lo, double hi) => lo + ((hi - lo) * random.NextDouble());
        Vec3 UniformVec(double magnitude) => new(Uniform(-magnitude, magnitude), Uniform(-magnitude, magnitude), Uniform(-magnitude, magnitude));
        double[] rates = [25, 50, 52, 100, 104, 200];
        return new SensorSpec
        {
            Placement = placement,
            AlongSegmentFraction = placement == Placement.Thigh ? Uniform(0.7, 0.9) : Uniform(0.25, 0.55),
            SkinOffsetM = Uniform(0.03, 0.07),
            MountRollDeg = Uniform(-25, 25),
            MountYawDeg = Uniform(-10, 10),
            MountPitchDeg = Uniform(-8, 8),
            SampleRateHz = sampleRateHz ?? rates[random.Next(rates.Length)],
            RateErrorPpm = Uniform(-2000, 2000),
            JitterFraction = Uniform(0, 0.08),
            AccelBiasMps2 = UniformVec(0.25),
            AccelScaleError = UniformVec(0.03),
            AccelNoiseMps2 = Uniform(0.02, 0.08),
            GyroBiasRadPerS = UniformVec(0.03),
            GyroScaleError = UniformVec(0.03),
            GyroNoiseRadPerS = Uniform(0.003, 0.015),
        };
    }

    /// <summary>The wobble's rotation (sensor frame) and displacement (segment frame, metres) at <paramref name="timeS"/>.</summary>
    internal (Mat3 Rotation, Vec3 OffsetM) WobbleAt(double timeS)
    {
        if (WobbleDeg == 0 && WobbleMm == 0)
        {
            return (Mat3.Identity, Vec3.Zero);
        }

        var x = Math.Sin(2 * Math.PI * WobbleHz * timeS);
        var y = Math.Sin((2 * Math.PI * 1.37 * WobbleHz * timeS) + 1);
        const double rad = Math.PI / 180;
        return (Mat3.RotX(WobbleDeg * rad * x) * Mat3.RotY(WobbleDeg * rad * y), new Vec3(x, y, 0) * (WobbleMm / 1000));
    }

    /// <summary>Orientation of the sensor in the segment frame (nominal mounting then the mounting rotation).</summary>
    internal Mat3 OrientationInSegment(Side side)
    {
        var lateral = side == Side.Right ? -1.0 : 1.0;
        var x = new Vec3(0, 0, -1);
        var z = new Vec3(0, lateral, 0);
        var nominal = Mat3.FromColumns(x, z.Cross(x), z);
        const double rad = Math.PI / 180;
        return nominal * Mat3.RotX(MountRollDeg * rad) * Mat3.RotY(MountPitchDeg * rad) * Mat3.RotZ(MountYawDeg * rad);
    }
}
