using Movement.Motion.Recordings;
using Movement.Motion.Validation;

namespace Movement.Motion.Tests.Validation;

/// <summary>Simulated seated knee extension against the real UCI recording (Yurtman &amp; Barshan 2014, CC BY 4.0).</summary>
public class UciKneeExtensionTests
{
    private static readonly IReadOnlyList<AxisComparison> Comparison =
        UciKneeExtension.Compare(UciKneeExtension.ReadReal(SharedData.Directory()), UciKneeExtension.Simulate().Samples);

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
        var result = UciPhysicalTherapyFile.Read(Path.Combine(SharedData.Directory(), UciKneeExtension.RelativePath));

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
}
