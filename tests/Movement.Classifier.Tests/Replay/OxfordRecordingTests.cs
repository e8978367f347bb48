using Movement.Classifier.Replay;

namespace Movement.Classifier.Tests.Replay;

/// <summary>The Oxford Step Counter readers on small files written here: values, ground truth, and rows they refuse.</summary>
public sealed class OxfordRecordingTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"oxford-{Guid.NewGuid():N}.csv");

    public void Dispose() => File.Delete(_path);

    private string Write(params string[] lines)
    {
        File.WriteAllLines(_path, lines);
        return _path;
    }

    [Fact]
    public void ReadAccelerometer_HeaderBlankLinesAndRows_ReadsEachRowInMicroseconds()
    {
        var samples = OxfordRecording.ReadAccelerometer(Write("t_ns,accuracy,x,y,z", "1000000,3,0.5,-9.81,1.25", "", "3000000,3,0.25,-9.5,1"));

        Assert.Equal([1000L, 3000L], samples.Select(s => s.TimestampUs));
        Assert.Equal([0.5f, 0.25f], samples.Select(s => s.AccelX));
        Assert.Equal([-9.81f, -9.5f], samples.Select(s => s.AccelY));
        Assert.Equal([1.25f, 1f], samples.Select(s => s.AccelZ));
    }

    [Fact]
    public void ReadTrueSteps_FootColumns_CountsEachRiseOfEitherFoot()
    {
        // foot1 rises twice, foot2 once; a foot already down at the start is not a step.
        var steps = OxfordRecording.ReadTrueSteps(Write("t_ns,foot1,foot2", "0,0,1", "1,1,1", "2,0,0", "3,1,0", "4,0,1"));

        Assert.Equal(3, steps);
    }

    [Fact]
    public void ReadAccelerometer_ShortRow_ThrowsWithLineAndExpectedColumns()
    {
        var error = Assert.Throws<DatasetFormatException>(() => OxfordRecording.ReadAccelerometer(Write("t_ns,accuracy,x,y,z", "1,3,0.5,-9.81,1", "2,3,0.5")));

        Assert.Equal(3, error.Line);
        Assert.Equal("expected t_ns,accuracy,x,y,z, found 3 columns", error.Reason);
    }

    [Fact]
    public void ReadTrueSteps_ColumnNotANumber_ThrowsWithLineAndColumn()
    {
        var error = Assert.Throws<DatasetFormatException>(() => OxfordRecording.ReadTrueSteps(Write("t_ns,foot1,foot2", "0,0,0", "1,up,0")));

        Assert.Equal(3, error.Line);
        Assert.Equal("column 2 is not a number: 'up'", error.Reason);
    }
}
