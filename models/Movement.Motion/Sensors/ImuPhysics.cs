using Movement.Motion.Kinematics;
using Movement.Protocol;

namespace Movement.Motion.Sensors;

/// <summary>What an ideal IMU measures at one instant: specific force and angular rate in its own frame.</summary>
public readonly record struct ImuReading(Vec3 AccelMps2, Vec3 GyroRadPerS);

/// <summary>
/// Sensor physics: accelerometer = R_sensorᵀ·(a − g) where a is the second derivative of the mounting point's
/// position from the forward kinematics and g = (0, 0, −9.80665); gyroscope = R_sensorᵀ·ω of the segment.
/// </summary>
public static class ImuPhysics
{
    public const double GravityMps2 = Movement.Protocol.Gravity.StandardMps2;

    /// <summary>Finite-difference step. 2 ms keeps truncation error far below sensor noise for limb motion.</summary>
    private const double StepS = 0.002;

    /// <summary>Ideal reading of a sensor with <paramref name="spec"/>'s mounting at time <paramref name="timeS"/>.</summary>
    public static ImuReading Measure(LegKinematics leg, SensorSpec spec, double timeS, Vec3 extraLinearAccelWorld = default)
    {
        var before = leg.PoseAt(timeS - StepS);
        var now = leg.PoseAt(timeS);
        var after = leg.PoseAt(timeS + StepS);
        var mount = spec.OrientationInSegment(leg.Side);

        var p0 = SensorPoint(leg, spec, before, timeS - StepS);
        var p1 = SensorPoint(leg, spec, now, timeS);
        var p2 = SensorPoint(leg, spec, after, timeS + StepS);
        var linear = ((p2 - (2 * p1) + p0) / (StepS * StepS)) + extraLinearAccelWorld;
        var specificForce = linear + new Vec3(0, 0, GravityMps2);

        // The sensor's own orientation (segment, mounting, wobble on the skin): its rate is what the gyroscope reads.
        Mat3 SensorToWorld(LegPose pose, double t) => Segment(spec, pose) * mount * spec.WobbleAt(t).Rotation;
        var omegaWorld = spec.WobbleDeg == 0
            ? AngularVelocity(Segment(spec, before), Segment(spec, after), 2 * StepS) // the mounting is fixed: the segment's rate, exactly as before
            : AngularVelocity(SensorToWorld(before, timeS - StepS), SensorToWorld(after, timeS + StepS), 2 * StepS);

        var worldToSensor = SensorToWorld(now, timeS).Transpose();
        return new ImuReading(worldToSensor * specificForce, worldToSensor * omegaWorld);
    }

    /// <summary>World position of the sensor's mounting point.</summary>
    public static Vec3 MountPoint(LegKinematics leg, SensorSpec spec, LegPose pose)
    {
        var (proximal, distal) = spec.Placement == Placement.Thigh ? (pose.Hip, pose.Knee) : (pose.Knee, pose.Ankle);
        var onAxis = proximal + (spec.AlongSegmentFraction * (distal - proximal));
        var lateral = leg.Side == Side.Right ? -1.0 : 1.0;
        return onAxis + (Segment(spec, pose) * new Vec3(0, lateral * spec.SkinOffsetM, 0));
    }

    /// <summary>The mounting point moved by the soft-tissue wobble.</summary>
    private static Vec3 SensorPoint(LegKinematics leg, SensorSpec spec, LegPose pose, double timeS) =>
        MountPoint(leg, spec, pose) + (Segment(spec, pose) * spec.WobbleAt(timeS).OffsetM);

    private static Mat3 Segment(SensorSpec spec, LegPose pose) => spec.Placement == Placement.Thigh ? pose.Thigh : pose.Shank;

    /// <summary>ω from two orientations Δt apart: the skew part of R(t+Δt)·R(t)ᵀ over Δt.</summary>
    private static Vec3 AngularVelocity(Mat3 r0, Mat3 r1, double dt)
    {
        var d = r1 * r0.Transpose();
        return new Vec3(d.M21 - d.M12, d.M02 - d.M20, d.M10 - d.M01) / (2 * dt);
    }
}
