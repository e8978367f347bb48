using Movement.Classifier.Pipeline;
using Movement.Protocol;

namespace Movement.Classifier.Tests.Pipeline;

public sealed class SensorPipelineTests
{
    [Theory]
    [InlineData(25, true)]
    [InlineData(100, true)]
    [InlineData(200, true)]
    [InlineData(25, false)]
    [InlineData(200, false)]
    public void Add_SmoothRepsAtRate_CountsEachRepWithItsRange(double rateHz, bool gyro)
    {
        var pipeline = new SensorPipeline(Placement.Shank, Side.Right);
        var reps = new List<RepMeasurement>();
        foreach (var sample in TestSignals.Reps(8, 60, rateHz, gyro))
        {
            if (pipeline.Add(sample, out var rep))
            {
                reps.Add(rep);
            }
        }

        Assert.Equal(8, reps.Count);
        Assert.All(reps, r => Assert.InRange(r.RomDeg, 50, 66));
        Assert.All(reps, r => Assert.InRange(r.DurationS, 2.0, 3.6));
        Assert.All(reps, r => Assert.True(r.PeakAngularVelocityDps > 40, $"peak {r.PeakAngularVelocityDps}"));
    }

    [Fact]
    public void Add_RepEnds_ReportedWithin200MsOfReturn()
    {
        var samples = TestSignals.Reps(3, 45, 100, repS: 2, restS: 3);
        var pipeline = new SensorPipeline();
        var reportedUs = new List<long>();
        foreach (var sample in samples)
        {
            if (pipeline.Add(sample, out _))
            {
                reportedUs.Add(sample.TimestampUs);
            }
        }

        // The signal returns to rest 3 s + k * 5 s + 2 s after its first sample.
        var t0 = samples[0].TimestampUs;
        Assert.Equal(3, reportedUs.Count);
        for (var k = 0; k < 3; k++)
        {
            var returnUs = t0 + (long)((3 + (k * 5) + 2) * 1e6);
            Assert.InRange(reportedUs[k] - returnUs, -600_000, 200_000);
        }
    }

    [Fact]
    public void Add_GapInsideARep_DropsThatRepAndCountsTheRest()
    {
        var samples = TestSignals.Reps(6, 60, 50);
        var repWindow = samples.FindIndex(s => s.TimestampUs - samples[0].TimestampUs > 2.5e6 + (5e6 * 2)); // inside rep 3
        samples.RemoveRange(repWindow, 60); // 1.2 s of silence
        var pipeline = new SensorPipeline();
        var count = samples.Count(s => pipeline.Add(s, out _));

        Assert.Equal(1, pipeline.Gaps);
        Assert.Equal(5, count);
    }

    [Fact]
    public void Add_LimbRestsAtAnotherAngleAfterAGap_CountsNoMovementForTheChange()
    {
        // Three reps standing, a minute's silence, then three reps from a rest tilted 15° further (seated, say):
        // the new rest is where the angle starts again, not a 15° movement.
        var before = TestSignals.Reps(3, 60, 50);
        var after = TestSignals.Reps(3, 60, 50).Select(s =>
        {
            var angle = Math.Atan2(s.AccelY, s.AccelZ) + (15 * Math.PI / 180);
            var g = Math.Sqrt((s.AccelY * s.AccelY) + (s.AccelZ * s.AccelZ));
            return s with { TimestampUs = s.TimestampUs + before.Count * 20_000L + 60_000_000, AccelY = (float)(g * Math.Sin(angle)), AccelZ = (float)(g * Math.Cos(angle)) };
        });
        var pipeline = new SensorPipeline();
        var reps = new List<RepMeasurement>();
        foreach (var sample in before.Concat(after))
        {
            if (pipeline.Add(sample, out var rep))
            {
                reps.Add(rep);
            }
        }

        Assert.Equal(1, pipeline.Gaps);
        Assert.Equal(6, reps.Count);
        Assert.All(reps, r => Assert.InRange(r.RomDeg, 55, 65));
    }

    [Fact]
    public void Add_OutOfOrderSample_IsSkippedAndCounted()
    {
        var samples = TestSignals.Reps(2, 60, 50);
        samples.Insert(100, samples[50]);
        var pipeline = new SensorPipeline();
        var count = samples.Count(s => pipeline.Add(s, out _));

        Assert.Equal(2, count);
        Assert.Equal(1, pipeline.OutOfOrderSamples);
    }

    [Fact]
    public void Add_AfterWarmUp_AllocatesNothingPerSample()
    {
        var samples = TestSignals.Reps(20, 60, 100).ToArray();
        for (var round = 0; round < 3; round++)
        {
            var warmUp = new SensorPipeline();
            foreach (var sample in samples)
            {
                warmUp.Add(sample, out _); // every code path compiled (and re-compiled by tiering) before measuring
            }
        }

        var pipeline = new SensorPipeline();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var reps = 0;
        foreach (var sample in samples)
        {
            reps += pipeline.Add(sample, out _) ? 1 : 0;
        }

        Assert.True(reps > 10, $"only {reps} reps: the signal did not exercise the hot path");
        // The runtime itself may allocate a little while tiering up methods; an allocation per sample would be
        // at least 24 bytes times every sample.
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < samples.Length, $"{allocated} bytes allocated over {samples.Length} samples");
    }
}
