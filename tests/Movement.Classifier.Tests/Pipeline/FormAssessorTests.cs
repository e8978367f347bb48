using Movement.Classifier.Pipeline;
using Movement.Protocol;

namespace Movement.Classifier.Tests.Pipeline;

public sealed class FormAssessorTests
{
    private static RepMeasurement Rep(double romDeg, double durationS = 4, double swayDeg = 2) =>
        new(0, (long)(durationS * 1e6), (long)(durationS * 0.5e6), romDeg, 60, 0.5, swayDeg);

    [Fact]
    public void Assess_BelowPrescribedTarget_FlagsPartialRangeWithEvidence()
    {
        var flags = new FormAssessor().Assess(Rep(48), new RangeTarget(90, RomKind.Knee));

        var flag = Assert.Single(flags);
        Assert.Equal(FormFlagIds.PartialRange, flag.Flag);
        Assert.Equal(48, flag.Measured);
        Assert.Equal(90, flag.Threshold);
        Assert.Equal("deg", flag.Unit);
        Assert.Equal("partial range: 48° of 90°", flag.Message);
    }

    [Theory]
    [InlineData(RomKind.Knee, RomKind.Knee, true)]
    [InlineData(RomKind.Shank, RomKind.Shank, true)]
    [InlineData(RomKind.Thigh, RomKind.Knee, false)]
    [InlineData(RomKind.Knee, RomKind.Shank, false)]
    [InlineData(RomKind.Shank, RomKind.Thigh, false)]
    public void Assess_TargetOfAnotherAngle_AppliesOnlyToRepsOfItsKind(RomKind measures, RomKind targetKind, bool applies)
    {
        var form = new FormAssessor(measures: measures);
        var target = new RangeTarget(90, targetKind);

        var flags = form.Assess(Rep(48), target);

        Assert.Equal(applies ? 90 : null, form.TargetFor(target));
        Assert.Equal(applies, flags.Any(f => f.Flag == FormFlagIds.PartialRange && f.Threshold == 90));
    }

    [Fact]
    public void Assess_TargetOfAnotherAngle_JudgedAsWithoutATarget()
    {
        // A thigh's reps at a station whose target is a knee angle: judged against the participant's own reps,
        // exactly as at a station with no target.
        var kneeTarget = new FormAssessor(measures: RomKind.Thigh);
        var noTarget = new FormAssessor(measures: RomKind.Thigh);
        double[] ranges = [70, 71, 72, 73, 74, 68, 40, 75];

        var judged = ranges.Select(r => kneeTarget.Assess(Rep(r), new RangeTarget(90, RomKind.Knee)).Select(f => (f.Flag, f.Threshold)).ToList()).ToList();
        var unjudged = ranges.Select(r => noTarget.Assess(Rep(r), null).Select(f => (f.Flag, f.Threshold)).ToList()).ToList();

        Assert.Equal(unjudged, judged);
        Assert.Contains(judged[^2], f => f.Flag == FormFlagIds.PartialRange); // the 40° rep, against the baseline
    }

    [Fact]
    public void Assess_NoTarget_JudgesAgainstOwnBaseline()
    {
        var form = new FormAssessor();
        for (var i = 0; i < FormAssessor.BaselineReps; i++)
        {
            Assert.Empty(form.Assess(Rep(70 + i), null));
        }

        Assert.Empty(form.Assess(Rep(68), null));
        Assert.Contains(form.Assess(Rep(40), null), f => f.Flag == FormFlagIds.PartialRange);
        var fast = form.Assess(Rep(70, durationS: 1.5), null);
        Assert.Contains(fast, f => f.Flag == FormFlagIds.TooFast && f.Unit == "s" && f.Measured == 1.5);
        Assert.Contains(form.Assess(Rep(70, swayDeg: 20), null), f => f.Flag == FormFlagIds.Unstable);
    }

    [Fact]
    public void Assess_UnevenOutwardAndReturn_FlagsUnevenTempo()
    {
        var form = new FormAssessor();
        for (var i = 0; i < FormAssessor.BaselineReps; i++)
        {
            form.Assess(Rep(70), null);
        }

        var lopsided = new RepMeasurement(0, 4_000_000, 3_600_000, 70, 60, 0.5, 2); // 3.6 s out, 0.4 s back

        Assert.Contains(form.Assess(lopsided, null), f => f.Flag == FormFlagIds.UnevenTempo);
    }

    [Fact]
    public void Assess_PeakLateInAHold_IsNotUnevenTempo()
    {
        // 1 s up, 4 s hold, 1 s down. Where in the hold the limb peaks (a degree of drift) says nothing about tempo.
        static RepMeasurement HeldRep(long peakUs) => new(0, 6_000_000, peakUs, 20, 30, 0.3, 2, NearPeakFromUs: 1_000_000, NearPeakToUs: 5_000_000);
        var form = new FormAssessor();
        for (var i = 0; i < FormAssessor.BaselineReps; i++)
        {
            form.Assess(HeldRep(1_200_000), null);
        }

        Assert.DoesNotContain(form.Assess(HeldRep(4_900_000), null), f => f.Flag == FormFlagIds.UnevenTempo);
    }

    [Fact]
    public void Assess_TempoNotJudged_NoUnevenTempoFlag()
    {
        var form = new FormAssessor();
        for (var i = 0; i < FormAssessor.BaselineReps; i++)
        {
            form.Assess(Rep(70), null);
        }

        var lopsided = new RepMeasurement(0, 4_000_000, 3_600_000, 70, 60, 0.5, 2);

        Assert.DoesNotContain(form.Assess(lopsided, null, judgeTempo: false), f => f.Flag == FormFlagIds.UnevenTempo);
    }
}
