using Movement.Tools.Replay;
using Movement.Classifier.Tests.Pipeline;
using Movement.Protocol;

namespace Movement.Classifier.Tests;

/// <summary>
/// What a participant's reps measure, by what they wear: a thigh + shank pair gives the knee angle for the knee's
/// exercises; one sensor gives its own segment's angle, labelled as that segment's and never as the knee's; and a
/// station's target range judges only reps of its own kind. Simulated participants 925 000+ are held out of
/// everything tuned (see <see cref="KneeAngleEstimatorTests"/> for the seeds in use).
/// </summary>
public sealed class ParticipantClassifierTests
{
    private const int Seed = 925_000;

    /// <summary>More than any simulated rep reaches, so every rep it applies to is partial (80 % of it is 120°).</summary>
    private const double UnreachableDeg = 150;

    private static readonly Lazy<KneeAngleEstimatorTests.KneeSet> Squats = new(() => KneeAngleEstimatorTests.KneeSet.Create(ExerciseIds.Squat, Seed));

    [Theory]
    [InlineData(RomKind.Knee, true)]
    [InlineData(RomKind.Shank, false)]
    [InlineData(RomKind.Thigh, false)]
    public void Add_ThighAndShankPair_SquatsMeasureTheKneeAndOnlyAKneeTargetApplies(RomKind targetKind, bool applies)
    {
        var summary = Replay([new SensorRecording("thigh", Placement.Thigh, Side.Right, Squats.Value.Thigh), new SensorRecording("shank", Placement.Shank, Side.Right, Squats.Value.Shank)],
            new RangeTarget(UnreachableDeg, targetKind));

        Assert.InRange(summary.Reps.Count, 9, 11);
        Assert.All(summary.Reps, r => Assert.Equal(RomKind.Knee, r.RomKind));
        AssertTarget(summary, applies);
    }

    [Theory]
    [InlineData(Placement.Shank, RomKind.Shank, RomKind.Shank, true)]
    [InlineData(Placement.Shank, RomKind.Shank, RomKind.Knee, false)]
    [InlineData(Placement.Thigh, RomKind.Thigh, RomKind.Thigh, true)]
    [InlineData(Placement.Thigh, RomKind.Thigh, RomKind.Shank, false)]
    [InlineData(Placement.Thigh, RomKind.Thigh, RomKind.Knee, false)]
    public void Add_OneSensor_SquatsMeasureItsOwnSegmentAndOnlyThatSegmentsTargetApplies(Placement worn, RomKind measured, RomKind targetKind, bool applies)
    {
        var samples = worn == Placement.Thigh ? Squats.Value.Thigh : Squats.Value.Shank;

        var summary = Replay([new SensorRecording("imu", worn, Side.Right, samples)], new RangeTarget(UnreachableDeg, targetKind));

        Assert.NotEmpty(summary.Reps);
        Assert.All(summary.Reps, r => Assert.Equal(measured, r.RomKind));
        AssertTarget(summary, applies);
    }

    [Fact]
    public void Add_OneShank_ItsRangeIsTheSegmentsNotTheKnees()
    {
        // A squat bends the knee by both segments turning: the shank alone sees only part of it, which is why its
        // range is labelled as the shank's own and a knee target is not compared with it.
        var pair = Replay([new SensorRecording("thigh", Placement.Thigh, Side.Right, Squats.Value.Thigh), new SensorRecording("shank", Placement.Shank, Side.Right, Squats.Value.Shank)], null);
        var shank = Replay([new SensorRecording("shank", Placement.Shank, Side.Right, Squats.Value.Shank)], null);

        var kneeDeg = pair.Reps.Average(r => r.Measurement.RomDeg);
        var shankDeg = shank.Reps.Average(r => r.Measurement.RomDeg);
        Assert.True(shankDeg < 0.8 * kneeDeg, $"shank {shankDeg:F0}° against knee {kneeDeg:F0}°");
    }

    private static ReplaySummary Replay(IReadOnlyList<SensorRecording> recordings, RangeTarget? target) =>
        RecordingReplay.Run(recordings, ExerciseIds.Squat, target, output: null, createRecognizer: null);

    /// <summary>An applied target is on each rep and flags it partial against the target; one not applied leaves no trace.</summary>
    private static void AssertTarget(ReplaySummary summary, bool applies)
    {
        foreach (var rep in summary.Reps)
        {
            Assert.Equal(applies ? UnreachableDeg : null, rep.TargetRomDeg);
            Assert.Equal(applies, rep.Flags.Any(f => f.Flag == FormFlagIds.PartialRange && f.Threshold == UnreachableDeg));
        }
    }
}
