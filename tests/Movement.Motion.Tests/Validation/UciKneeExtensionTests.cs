using Movement.Tests;
using Movement.Motion.Recordings;
using Movement.Motion.Validation;

namespace Movement.Motion.Tests.Validation;

/// <summary>Simulated seated knee extension against the real UCI recording (Yurtman &amp; Barshan 2014, CC BY 4.0).</summary>
public class UciKneeExtensionTests
{
    private static readonly IReadOnlyList<AxisComparison> Comparison =
        UciKneeExtension.Compare(UciKneeExtension.ReadReal(TestRecordings.Root), UciKneeExtension.Simulate().Samples);

    private static AxisComparison Axis(string name) => Comparison.Single(c => c.Axis == name);

    [Fact]
    public void Compare_FindsTenRepsInRealAndSimulated()
    {
        Assert.Equal(10, Axis("ay").RealRepCount);
        Assert.Equal(10, Axis("ay").SimRepCount);
    }

    [Theory]
    [InlineData("ax")]
    [InlineData("ay")]
    [InlineData("az")]
    [InlineData("gy")]
    [InlineData("gz")]
    public void Compare_MeanRepShapeCorrelates(string axis)
    {
        Assert.True(Axis(axis).TemplateCorrelation > 0.85, $"{axis}: r = {Axis(axis).TemplateCorrelation:0.00}");
    }

    [Theory]
    [InlineData("ax")]
    [InlineData("ay")]
    [InlineData("gz")]
    public void Compare_PeriodWithinFifteenPercent(string axis)
    {
        var c = Axis(axis);
        Assert.InRange(c.SimPeriodS / c.RealPeriodS, 0.85, 1.15);
    }

    [Theory]
    [InlineData("ax", 0.15)]
    [InlineData("ay", 0.25)]
    [InlineData("gz", 0.25)]
    public void Compare_AmplitudeWithinTolerance(string axis, double tolerance)
    {
        var c = Axis(axis);
        var realRange = c.RealP98 - c.RealP2;
        var simRange = c.SimP98 - c.SimP2;
        Assert.InRange(simRange / realRange, 1 - tolerance, 1 + tolerance);
    }

    [Fact]
    public void ReadReal_ParsesAllRowsOfTheRealFile()
    {
        var result = UciPhysicalTherapyFile.Read(Path.Combine(TestRecordings.Root, UciKneeExtension.RelativePath));

        Assert.True(result.IsValid, string.Join("; ", result.Errors.Take(3)));
        Assert.Equal(5949, result.Samples.Count);
        Assert.Equal(40_000, result.Samples[1].TimestampUs - result.Samples[0].TimestampUs);
    }

    [Fact]
    public void Read_MalformedUciRow_ReportsLine()
    {
        var text = "time index;acc_x;acc_y;acc_z;gyr_x;gyr_y;gyr_z;mag_x;mag_y;mag_z\n1;1;2;3;4;5;6;7;8;9\n2;1;x;3;4;5;6;7;8;9\n3;1;2;3\n";

        var result = UciPhysicalTherapyFile.Read(new StringReader(text));

        Assert.Single(result.Samples);
        Assert.Equal([3, 4], result.Errors.Select(e => e.Line));
    }

    [Fact]
    public void Read_RowsWithoutMagnetometer_ReadsTheSameSamplesAsFullRows()
    {
        var full = UciPhysicalTherapyFile.Read(new StringReader("1;1;2;3;4;5;6;7;8;9\n2;1.5;2;3;4;5;6.5;7;8;9\n"));
        var trimmed = UciPhysicalTherapyFile.Read(new StringReader("1;1;2;3;4;5;6\n2;1.5;2;3;4;5;6.5\n"));

        Assert.True(trimmed.IsValid);
        Assert.Equal(full.Samples, trimmed.Samples);
    }
}

/// <summary>Gravity in the supine posture against the real supine leg raise (UCI s1/e3, right shank).</summary>
public class UciSupineLegRaiseTests
{
    [Fact]
    public void SupineLegRaise_GravityAxesAgreeWithRealRecording()
    {
        var real = UciPhysicalTherapyFile.Read(Path.Combine(TestRecordings.Root, "uci-physical-therapy", "s1", "e3", "u2", "test.txt"))
            .EnsureValid().Samples.Where(s => s.TimestampUs < 80e6).ToArray();
        var session = Movement.Motion.Sessions.SimulatedSession.Create(
            Movement.Motion.Sessions.SessionPlan.SingleSet(Movement.Protocol.ExerciseIds.StraightLegRaise, 5),
            new Movement.Motion.Sessions.ParticipantProfile(), 2);
        var sim = session.Record(Movement.Motion.Sensors.SensorSpec.Ideal(Movement.Protocol.Placement.Shank, 25)).Samples;

        // Lying flat, the shin faces up: gravity's reaction is on +y in both.
        Assert.True(real.Take(25).Average(s => s.AccelY) > 9.0);
        Assert.True(sim.Take(25).Average(s => s.AccelY) > 9.5);
        // Raising the leg points the distal x axis upward: x goes positive in both, y falls as the leg tilts.
        Assert.True(SignalComparison.Percentile(real.Select(s => (double)s.AccelX).ToArray(), 98) > 4);
        Assert.True(SignalComparison.Percentile(sim.Select(s => (double)s.AccelX).ToArray(), 98) > 4);
        Assert.True(SignalComparison.Percentile(real.Select(s => (double)s.AccelY).ToArray(), 2) < 8);
        Assert.True(SignalComparison.Percentile(sim.Select(s => (double)s.AccelY).ToArray(), 2) < 8);
    }
}
