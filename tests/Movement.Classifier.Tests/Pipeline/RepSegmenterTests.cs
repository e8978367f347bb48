using Movement.Classifier.Pipeline;

namespace Movement.Classifier.Tests.Pipeline;

/// <summary>The segmenter on its own: a joint angle made of raised-cosine reps with rest between, so each rep's truth is exact.</summary>
public sealed class RepSegmenterTests
{
    private const double RateHz = 50;
    private const double DtS = 1 / RateHz;

    /// <summary>
    /// The joint angle and its speed of <see cref="TestSignals.Reps"/> (rest, then per rep out to its range and back in
    /// <paramref name="repS"/>, held <paramref name="holdS"/> at the top, rest again), read back from its gravity and gyroscope.
    /// </summary>
    private static List<(long TimeUs, double AngleDeg, double SpeedDps)> Angles(double[] romsDeg, double repS = 3, double restS = 2, double holdS = 0) =>
        [.. TestSignals.Reps(romsDeg.Length, 0, RateHz, repS: repS, restS: restS, holdS: holdS, romOfRep: i => romsDeg[i])
            .Select(s => (s.TimestampUs - TestSignals.StartUs, Math.Atan2(s.AccelY, s.AccelZ) * 180 / Math.PI, s.GyroX * 180 / Math.PI))];

    private static List<RepMeasurement> Run(ref RepSegmenter segmenter, IEnumerable<(long TimeUs, double AngleDeg, double SpeedDps)> trace)
    {
        var reps = new List<RepMeasurement>();
        foreach (var (timeUs, angle, speed) in trace)
        {
            if (segmenter.Add(timeUs, DtS, angle, speed, outOfPlaneDeg: 0, out var rep))
            {
                reps.Add(rep);
            }
        }

        return reps;
    }

    [Fact]
    public void Add_FiveRepsOf40Degrees_OneRepEachWithItsRangeAndTiming()
    {
        var segmenter = new RepSegmenter();
        var trace = Angles([40, 40, 40, 40, 40]);
        // Truth from the trace itself: each rep leaves 0° at a start and is furthest out half-way.
        var trueStartsS = trace.Zip(trace.Skip(1)).Where(p => p.First.AngleDeg == 0 && p.Second.AngleDeg > 0).Select(p => p.First.TimeUs / 1e6).ToList();

        var reps = Run(ref segmenter, trace);

        Assert.Equal(5, trueStartsS.Count);
        Assert.Equal(5, reps.Count);
        foreach (var (rep, startS) in reps.Zip(trueStartsS))
        {
            Assert.InRange(rep.RomDeg, 38, 40.5);
            Assert.InRange(rep.StartUs / 1e6, startS - 0.3, startS + 0.5);
            Assert.InRange(rep.PeakUs / 1e6, startS + 1.3, startS + 1.7);
            Assert.InRange(rep.DurationS, 2.3, 3.3);
            Assert.InRange(rep.PeakAngularVelocityDps, 40, 43); // π/2 · 40° / 1.5 s
        }
    }

    [Fact]
    public void Add_FirstThreeReps_SetTheBaselineRangeAsTheirMean()
    {
        var segmenter = new RepSegmenter();

        var reps = Run(ref segmenter, Angles([30, 40, 50, 80]));

        Assert.Equal(4, reps.Count);
        Assert.Equal(reps.Take(3).Average(r => r.RomDeg), segmenter.BaselineRomDeg, 6);
    }

    [Fact]
    public void Add_TwitchesOf3Degrees_NoRep()
    {
        var segmenter = new RepSegmenter();

        Assert.Empty(Run(ref segmenter, Angles([3, 3, 3, 3])));
    }

    [Fact]
    public void Add_QuickerThanARepCanBe_NoRep()
    {
        var segmenter = new RepSegmenter();

        Assert.Empty(Run(ref segmenter, Angles([40, 40], repS: 0.3)));
    }

    [Fact]
    public void Add_HeldOutLongerThan30Seconds_NotARep()
    {
        var segmenter = RepSegmenter.WithOutwardDirection(+1);

        Assert.Empty(Run(ref segmenter, Angles([40], holdS: 35)));
    }

    [Fact]
    public void Add_DownwardReps_LearnsTheDirectionAndMeasuresTheRangeAsPositive()
    {
        var segmenter = new RepSegmenter();

        var reps = Run(ref segmenter, Angles([-40, -40, -40]));

        Assert.Equal(3, reps.Count);
        Assert.All(reps, r => Assert.InRange(r.RomDeg, 38, 40.5));
        Assert.Equal(0, segmenter.DirectionFlips);
    }

    [Fact]
    public void WithOutwardDirection_Downward_CountsDownwardRepsWithoutFlipping()
    {
        var segmenter = RepSegmenter.WithOutwardDirection(-1);

        var reps = Run(ref segmenter, Angles([-30, -30, -30, -30]));

        Assert.Equal(4, reps.Count);
        Assert.Equal(0, segmenter.DirectionFlips);
    }

    [Fact]
    public void Reset_MidRep_DropsTheRepButKeepsTheBaseline()
    {
        var segmenter = new RepSegmenter();
        Run(ref segmenter, Angles([40, 40, 40]));
        var baseline = segmenter.BaselineRomDeg;
        var halfRep = Angles([40]).Take(150).Select(s => (s.TimeUs + 20_000_000, s.AngleDeg, s.SpeedDps)).ToList(); // rest, then out to the top
        Run(ref segmenter, halfRep);
        Assert.True(segmenter.InRep);

        segmenter.Reset();

        Assert.False(segmenter.InRep);
        Assert.Equal(baseline, segmenter.BaselineRomDeg);
    }
}
