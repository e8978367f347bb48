using Movement.Motion.Recordings;

namespace Movement.Motion.Tests.Recordings;

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
        var steps = OxfordRecording.ReadTrueSteps(Write("t_ns,foot1,foot2", "0,0,1", "1000000000,1,1", "1500000000,0,0", "2000000000,1,0", "2500000000,0,1"));

        Assert.Equal(3, steps);
    }

    [Fact]
    public void ReadTrueSteps_FootRisesAgainWithinBounce_CountsOneStepUnlessBounceIsZero()
    {
        // foot1 closes at 1.0 s, opens for 0.1 s and closes again at 1.2 s: a bounce, not a second step.
        var path = Write("t_ns,foot1,foot2", "0,0,0", "1000000000,1,0", "1100000000,0,0", "1200000000,1,0", "1600000000,1,1");

        Assert.Equal(2, OxfordRecording.ReadTrueSteps(path));
        Assert.Equal(3, OxfordRecording.ReadTrueSteps(path, TimeSpan.Zero));
    }

    [Fact]
    public void ReadAccelerometer_ShortRow_ThrowsWithLineAndExpectedColumns()
    {
        var error = Assert.Throws<DatasetFormatException>(() => OxfordRecording.ReadAccelerometer(Write("t_ns,accuracy,x,y,z", "1,3,0.5,-9.81,1", "2,3,0.5")));

        Assert.Equal(3, error.Line);
        Assert.Equal("expected 5 columns, found 3", error.Reason);
    }

    [Fact]
    public void ReadTrueSteps_ColumnNotANumber_ThrowsWithLineAndColumn()
    {
        var error = Assert.Throws<DatasetFormatException>(() => OxfordRecording.ReadTrueSteps(Write("t_ns,foot1,foot2", "0,0,0", "1,up,0")));

        Assert.Equal(3, error.Line);
        Assert.Equal("column 2 is not a number: 'up'", error.Reason);
    }

    [Fact]
    public void ReadAccelerometer_PublishedLayoutWithoutHeader_ReadsXyzAfterTheAccuracyColumn()
    {
        var samples = OxfordRecording.ReadAccelerometer(Write("833841569044223,3,-1.3076807,6.5072684,8.389753"));

        var sample = Assert.Single(samples);
        Assert.Equal(833841569044L, sample.TimestampUs);
        Assert.Equal((-1.3076807f, 6.5072684f, 8.389753f), (sample.AccelX, sample.AccelY, sample.AccelZ));
    }

    [Fact]
    public void ReadAccelerometer_TrimmedGzippedCopy_ReadsTheSameSamplesAsThePublishedFile()
    {
        var published = OxfordRecording.ReadAccelerometer(Write("1000000,3,0.5,-9.81,1.25", "3000000,2,0.25,-9.5,1"));
        var gz = _path + ".gz";
        using (var file = new System.IO.Compression.GZipStream(File.Create(gz), System.IO.Compression.CompressionLevel.Optimal))
        using (var text = new StreamWriter(file))
        {
            text.Write("t_ns,x,y,z\n1000000,0.5,-9.81,1.25\n3000000,0.25,-9.5,1\n");
        }

        try
        {
            File.Delete(_path);
            // Asked for the plain name, the reader finds the .gz beside it, as the tests ask for the repository's copies.
            Assert.Equal(published, OxfordRecording.ReadAccelerometer(_path));
        }
        finally
        {
            File.Delete(gz);
        }
    }

    [Fact]
    public void ReadAccelerometer_HeaderWithoutAnAxis_ThrowsNamingTheColumns()
    {
        var error = Assert.Throws<DatasetFormatException>(() => OxfordRecording.ReadAccelerometer(Write("t_ns,x,y", "1,0.5,-9.81")));

        Assert.Equal(1, error.Line);
        Assert.Contains("lacks one of t_ns,x,y,z", error.Reason, StringComparison.Ordinal);
    }
}
