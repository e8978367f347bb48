using Movement.Motion.Recordings;
using Movement.Protocol;

namespace Movement.Motion.Tests.Recordings;

public class RecordingCsvTests
{
    private static RecordingReadResult ReadText(string text, RecordingReadOptions? options = null) =>
        RecordingCsv.Read(new StringReader(text), options, "test.csv");

    [Fact]
    public void Read_ValidAccelAndGyro_ReturnsSamplesWithMicrosecondTimestamps()
    {
        var result = ReadText("time_s,ax,ay,az,gx,gy,gz\n0,0.1,-9.8,0.2,0.01,0.02,0.03\n0.04,0.2,-9.7,0.3,-0.5,0,1.5\n",
            new RecordingReadOptions { StartUnixUs = 1_000_000 });

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.True(result.HasGyro);
        Assert.Equal(2, result.Samples.Count);
        Assert.Equal(new ImuSample(1_000_000, 0.1f, -9.8f, 0.2f, 0.01f, 0.02f, 0.03f), result.Samples[0]);
        Assert.Equal(1_040_000, result.Samples[1].TimestampUs);
        Assert.Equal(1.5f, result.Samples[1].GyroZ);
    }

    [Fact]
    public void Read_AccelOnly_SamplesHaveNoGyro()
    {
        var result = ReadText("time_s,ax,ay,az\n0,1,2,3\n");

        Assert.True(result.IsValid);
        Assert.False(result.HasGyro);
        Assert.False(result.Samples[0].HasGyro);
    }

    [Fact]
    public void Read_HeaderInGAndDegPerSecond_ConvertsToSiUnits()
    {
        var result = ReadText("time_s,ax_g,ay_g,az_g,gx_dps,gy_dps,gz_dps\n0,0,-1,0.5,180,-90,0\n");

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(AccelUnit.StandardGravity, result.AccelUnit);
        Assert.Equal(GyroUnit.DegreesPerSecond, result.GyroUnit);
        var s = result.Samples[0];
        Assert.Equal(-9.80665f, s.AccelY, 4);
        Assert.Equal(4.903325f, s.AccelZ, 4);
        Assert.Equal((float)Math.PI, s.GyroX, 5);
        Assert.Equal((float)(-Math.PI / 2), s.GyroY, 5);
    }

    [Fact]
    public void Read_CommentsAndBlankLines_AreSkippedButCountedInLineNumbers()
    {
        var result = ReadText("# sensor: shank right\n\ntime_s,ax,ay,az\n\n0,1,2,3\n0.1,x,2,3\n");

        Assert.Single(result.Samples);
        var error = Assert.Single(result.Errors);
        Assert.Equal(6, error.Line);
    }

    [Theory]
    [InlineData("0,1,2\n", "expected 4 fields")]
    [InlineData("0,1,2,3,4\n", "expected 4 fields")]
    [InlineData("0,abc,2,3\n", "column ax: 'abc' is not a number")]
    [InlineData("0,1,,3\n", "column ay: empty")]
    [InlineData("0,1,2,NaN\n", "column az: 'NaN' is not finite")]
    [InlineData("0,1,2,Infinity\n", "not finite")]
    [InlineData("-0.5,1,2,3\n", "time_s: -0.5 is negative")]
    [InlineData("0,1e6,2,3\n", "column ax: 1e6 is outside")]
    [InlineData("0;1;2;3\n", "expected 4 fields")]
    [InlineData("0,1.5.2,2,3\n", "is not a number")]
    public void Read_MalformedRow_RejectsItWithLineNumberAndReason(string row, string reason)
    {
        var result = ReadText("time_s,ax,ay,az\n0.0,0,0,9.81\n" + row.Replace("0,", "1,", StringComparison.Ordinal) + "2,0,0,9.81\n");

        Assert.False(result.IsValid);
        var error = Assert.Single(result.Errors);
        Assert.Equal(3, error.Line);
        Assert.Contains(reason.Replace("0,", "1,", StringComparison.Ordinal), error.Reason, StringComparison.Ordinal);
        // The good rows around it are kept: a bad row loses only itself.
        Assert.Equal(2, result.Samples.Count);
    }

    [Fact]
    public void Read_TimeNotIncreasing_RejectsRow()
    {
        var result = ReadText("time_s,ax,ay,az\n0,0,0,9.8\n0.02,0,0,9.8\n0.02,0,0,9.8\n0.01,0,0,9.8\n0.03,0,0,9.8\n");

        Assert.Equal([4, 5], result.Errors.Select(e => e.Line));
        Assert.All(result.Errors, e => Assert.Contains("is not after the previous row", e.Reason, StringComparison.Ordinal));
        Assert.Equal(3, result.Samples.Count);
    }

    [Theory]
    [InlineData("", "no header line")]
    [InlineData("t,ax,ay,az\n0,0,0,0\n", "first column is 't'; expected time_s")]
    [InlineData("time_s,ax,ay\n", "header has 3 columns")]
    [InlineData("time_s,ax,ay,az_g\n", "column 4 is 'az_g'; expected az")]
    [InlineData("time_s,ax,ay,az,gx,gy_dps,gz\n", "column 6 is 'gy_dps'; expected gy")]
    [InlineData("time_s,ax,ay,az,mx,my,mz\n", "column 5 is 'mx'; expected gx")]
    public void Read_MalformedHeader_RejectsFileWithReason(string text, string reason)
    {
        var result = ReadText(text);

        Assert.Empty(result.Samples);
        var error = Assert.Single(result.Errors);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureValid_WithErrors_ThrowsListingLines()
    {
        var result = ReadText("time_s,ax,ay,az\n0,0,0,9.8\n0.1,a,0,9.8\n0.2,0,b,9.8\n");

        var ex = Assert.Throws<RecordingFormatException>(() => result.EnsureValid());

        Assert.Equal(2, ex.Errors.Count);
        Assert.Contains("test.csv", ex.Message, StringComparison.Ordinal);
        Assert.Contains("line 3: column ax", ex.Message, StringComparison.Ordinal);
        Assert.Contains("line 4: column ay", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(AccelUnit.MetresPerSecondSquared, GyroUnit.RadiansPerSecond)]
    [InlineData(AccelUnit.StandardGravity, GyroUnit.DegreesPerSecond)]
    public void Write_ThenRead_ReturnsSameSamples(AccelUnit accelUnit, GyroUnit gyroUnit)
    {
        var start = 1_764_000_000_000_000L;
        var samples = Enumerable.Range(0, 50)
            .Select(i => new ImuSample(start + (i * 20_000) + (i % 3), 0.37f * i, -9.81f + (0.01f * i), 1.25f, 0.011f * i, -0.5f, 2.75f))
            .ToArray();
        var writer = new StringWriter();

        RecordingCsv.Write(writer, samples, new RecordingWriteOptions { AccelUnit = accelUnit, GyroUnit = gyroUnit });
        var result = RecordingCsv.Read(new StringReader(writer.ToString()), new RecordingReadOptions { StartUnixUs = start });

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(samples.Length, result.Samples.Count);
        for (var i = 0; i < samples.Length; i++)
        {
            Assert.Equal(samples[i].TimestampUs, result.Samples[i].TimestampUs);
            Assert.Equal(samples[i].AccelX, result.Samples[i].AccelX, 4);
            Assert.Equal(samples[i].AccelY, result.Samples[i].AccelY, 4);
            Assert.Equal(samples[i].GyroX, result.Samples[i].GyroX, 5);
            Assert.Equal(samples[i].GyroZ, result.Samples[i].GyroZ, 5);
        }
    }

    [Fact]
    public void Write_SiUnits_RoundTripIsBitExact()
    {
        var samples = new[] { new ImuSample(0, 0.1f, 1f / 3f, -9.80665f, 1e-7f, 3.14159f, -0.333f) };
        var writer = new StringWriter();

        RecordingCsv.Write(writer, samples);
        var result = RecordingCsv.Read(new StringReader(writer.ToString()));

        Assert.Equal(samples[0], result.Samples[0]);
        Assert.StartsWith("time_s,ax,ay,az,gx,gy,gz\n", writer.ToString(), StringComparison.Ordinal);
    }
}
