using Movement.Motion.Kinematics;
using Movement.Motion.Sensors;
using Movement.Protocol;

namespace Movement.Motion.Tests.Sensors;

public class ImuPhysicsTests
{
    private const double G = ImuPhysics.GravityMps2;
    private static readonly BodyDimensions Body = BodyDimensions.FromHeight(1.70);

    public static TheoryData<double, double, double, double, int> StillPoses() => new()
    {
        // body pitch, thigh, knee, ankle, mounting seed
        { 0, 2, 3, 0, 1 },      // standing
        { 0, 85, 85, 0, 2 },    // seated
        { 90, 90, 3, 10, 3 },   // supine
        { 90, 135, 3, 0, 4 },   // supine, leg raised
        { -35, 66, 98, -30, 5 }, // squat
    };

    [Theory]
    [MemberData(nameof(StillPoses))]
    public void Measure_LegAtRest_AccelMagnitudeIsGravityAndGyroIsZero(double pitch, double thigh, double knee, double ankle, int seed)
    {
        var random = new Random(seed);
        foreach (var side in new[] { Side.Left, Side.Right })
        {
            var leg = LegKinematics.Still(new JointPose(pitch, thigh, knee, ankle), Body, side);
            foreach (var placement in new[] { Placement.Shank, Placement.Thigh })
            {
                // Random mounting rotation: the magnitude must not depend on how the sensor is turned.
                var spec = SensorSpec.Random(random, placement);

                var reading = ImuPhysics.Measure(leg, spec, 5.0);

                Assert.Equal(G, reading.AccelMps2.Length, 6);
                Assert.Equal(0, reading.GyroRadPerS.Length, 9);
            }
        }
    }

    [Fact]
    public void Measure_StandingNominalMount_XAxisReadsMinusG()
    {
        var leg = LegKinematics.Still(new JointPose(0, 0, 0, 0), Body, Side.Right);

        var reading = ImuPhysics.Measure(leg, SensorSpec.Ideal(Placement.Shank), 1.0);

        // x points down the leg; the accelerometer measures the upward reaction to gravity.
        Assert.Equal(-G, reading.AccelMps2.X, 6);
        Assert.Equal(0, reading.AccelMps2.Y, 6);
        Assert.Equal(0, reading.AccelMps2.Z, 6);
    }

    [Theory]
    [InlineData(90, 0)]
    [InlineData(60, 30)]
    [InlineData(30, 60)]
    [InlineData(0, 90)]
    [InlineData(-10, 100)]
    public void Measure_SeatedShankAtKnownAngle_ReadsGravityComponents(double kneeFlexDeg, double shankFromVerticalDeg)
    {
        var rad = shankFromVerticalDeg * Math.PI / 180;
        foreach (var side in new[] { Side.Right, Side.Left })
        {
            var leg = LegKinematics.Still(new JointPose(0, 90, kneeFlexDeg, 0), Body, side);

            var reading = ImuPhysics.Measure(leg, SensorSpec.Ideal(Placement.Shank), 1.0);

            // x distal: -g·cos; y anterior on the right leg (posterior on the left): ±g·sin; z lateral: 0.
            var anteriorSign = side == Side.Right ? 1 : -1;
            Assert.Equal(-G * Math.Cos(rad), reading.AccelMps2.X, 6);
            Assert.Equal(anteriorSign * G * Math.Sin(rad), reading.AccelMps2.Y, 6);
            Assert.Equal(0, reading.AccelMps2.Z, 6);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(30)]
    [InlineData(45)]
    public void Measure_SupineThighRaised_ReadsGravityComponents(double hipFlexDeg)
    {
        // Lying on the back the thigh points forward (horizontal) at 0 hip flexion; the front of the thigh faces up.
        var leg = LegKinematics.Still(new JointPose(90, 90 + hipFlexDeg, 0, 0), Body, Side.Right);

        var reading = ImuPhysics.Measure(leg, SensorSpec.Ideal(Placement.Thigh), 1.0);

        var rad = hipFlexDeg * Math.PI / 180;
        Assert.Equal(G * Math.Sin(rad), reading.AccelMps2.X, 6);
        Assert.Equal(G * Math.Cos(rad), reading.AccelMps2.Y, 6);
    }

    [Fact]
    public void Measure_MountRolledAboutLongAxis_RotatesGravityIntoZ()
    {
        var leg = LegKinematics.Still(new JointPose(0, 90, 0, 0), Body, Side.Right);
        var spec = SensorSpec.Ideal(Placement.Shank) with { MountRollDeg = 30 };

        var reading = ImuPhysics.Measure(leg, spec, 1.0);

        // Leg level: gravity reaction is along the anterior axis; rolling the sensor 30° about x splits it over y and z.
        Assert.Equal(0, reading.AccelMps2.X, 6);
        Assert.Equal(G * Math.Cos(Math.PI / 6), reading.AccelMps2.Y, 6);
        Assert.Equal(-G * Math.Sin(Math.PI / 6), reading.AccelMps2.Z, 6);
    }

    [Fact]
    public void Measure_OpenChainKneeSwing_MatchesAnalyticRigidBodyAcceleration()
    {
        // Shank swings about a fixed knee (hip and thigh fixed): a = α × r + ω × (ω × r) for the mounting point.
        var poses = new[] { new JointPose(0, 90, 90, 0), new JointPose(0, 90, 10, 0), new JointPose(0, 90, 90, 0) };
        var leg = LegKinematics.Through(poses, 1.5, ChainAnchor.Hip, Body, Side.Right);
        var spec = SensorSpec.Ideal(Placement.Shank) with { SkinOffsetM = 0 };
        const double t = 0.9;
        const double h = 1e-4;
        double Shank(double time) => (leg.AnglesAt(time).ThighDeg - leg.AnglesAt(time).KneeFlexDeg) * Math.PI / 180;
        var theta = Shank(t);
        var omega = (Shank(t + h) - Shank(t - h)) / (2 * h);
        var alpha = (Shank(t + h) - (2 * theta) + Shank(t - h)) / (h * h);
        var r = spec.AlongSegmentFraction * Body.ShankLengthM;

        var reading = ImuPhysics.Measure(leg, spec, t);

        // In the sensor frame (x distal, y anterior): centripetal −ω²r along x, tangential α·r along y, plus gravity.
        Assert.Equal((-omega * omega * r) - (G * Math.Cos(theta)), reading.AccelMps2.X, 3);
        Assert.Equal((alpha * r) + (G * Math.Sin(theta)), reading.AccelMps2.Y, 3);
        Assert.Equal(omega, reading.GyroRadPerS.Z, 3);
    }
}

public class MirroringTests
{
    [Fact]
    public void Record_LeftVersusRightLeg_MirrorsAnteriorAndLateralAxes()
    {
        Movement.Motion.Sessions.SimulatedRecording Run(Side side) =>
            Movement.Motion.Sessions.SimulatedSession.Create(
                Movement.Motion.Sessions.SessionPlan.SingleSet(Movement.Protocol.ExerciseIds.HamstringCurl, 2),
                new Movement.Motion.Sessions.ParticipantProfile { Side = side }, 6)
            .Record(SensorSpec.Ideal(Placement.Shank, 50));

        var right = Run(Side.Right).Samples;
        var left = Run(Side.Left).Samples;

        // Same motion, mirrored mounting: x (distal) identical; y (anterior vs posterior) and z (lateral) flip sign, as does ω about z.
        Assert.Equal(right.Count, left.Count);
        for (var i = 0; i < right.Count; i++)
        {
            Assert.Equal(right[i].AccelX, left[i].AccelX, 3);
            Assert.Equal(right[i].AccelY, -left[i].AccelY, 3);
            Assert.Equal(right[i].GyroZ, -left[i].GyroZ, 3);
        }

        Assert.Contains(right, s => Math.Abs(s.GyroZ) > 1);
    }

    [Fact]
    public void Measure_StillLegWithSoftTissueWobble_GyroRocksAtTheWobblesRateAndAccelKeepsGravityOnAverage()
    {
        var leg = LegKinematics.Still(new JointPose(0, 2, 3, 0), BodyDimensions.FromHeight(1.70), Side.Right);
        var spec = SensorSpec.Ideal(Placement.Thigh) with { WobbleDeg = 2, WobbleMm = 0.5, WobbleHz = 10 };
        var peakRadS = 2 * Math.PI / 180 * 2 * Math.PI * 10; // d/dt of 2° sin(2π 10 t) about x

        var readings = Enumerable.Range(0, 1000).Select(i => ImuPhysics.Measure(leg, spec, 5 + (i * 0.001))).ToList();

        Assert.InRange(readings.Max(r => Math.Abs(r.GyroRadPerS.X)), 0.95 * peakRadS, 1.05 * peakRadS);
        Assert.InRange(readings.Average(r => r.GyroRadPerS.X), -0.05 * peakRadS, 0.05 * peakRadS);
        var meanAccel = readings.Select(r => r.AccelMps2).Aggregate((a, b) => a + b) / readings.Count;
        // Gravity on average; the rocking adds a small mean centripetal part (ω²r, ~0.06 m/s² here).
        Assert.InRange(meanAccel.Length, ImuPhysics.GravityMps2 - 0.15, ImuPhysics.GravityMps2 + 0.15);
        // A rigidly mounted sensor on the same still leg reads no rotation at all.
        Assert.Equal(0, ImuPhysics.Measure(leg, spec with { WobbleDeg = 0, WobbleMm = 0 }, 5.0).GyroRadPerS.Length, 9);
    }
}
