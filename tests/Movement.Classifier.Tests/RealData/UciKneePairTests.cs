using Movement.Tests;
using Movement.Tools.Replay;
using Movement.Motion.Recordings;
using Movement.Protocol;

namespace Movement.Classifier.Tests.RealData;

/// <summary>
/// The knee pair on the UCI Physical Therapy recordings (subject 1): u3 (right thigh) + u2 (right shank), recorded
/// together (same sample index = same instant). Only the targets are asserted, and only where they are met
/// (docs/accuracy.md, "Knee angle from a thigh + shank pair"): e1, the seated knee extension, counts 30 ± 1 and
/// flags the fast block with F1 ≥ 0.9. Not asserted: e1's partial_range (F1 0.82: the low-amplitude reps bend the
/// knee through 0.60–0.88 of the baseline range, three of them above the 80 % threshold), and e3–e5, whose drawings and knee
/// angle show leg raises with a nearly straight knee: they are counted from a single sensor, not from the knee.
/// </summary>
public sealed class UciKneePairTests
{
    [Fact]
    public void Score_SeatedKneeExtensionFromThePair_CountsThirtyWithinOneAndFlagsTheFastBlock()
    {
        var reps = Replay("e1", "u3", "u2", Side.Right).Reps;

        var result = UciSessionResult.Score(reps, "e1", "u3+u2");

        Assert.InRange(result.Reps, 29, 31);
        Assert.True(result.TooFast.F1 >= 0.9, $"too_fast P {result.TooFast.Precision:F2} R {result.TooFast.Recall:F2} F1 {result.TooFast.F1:F2}");
    }

    [Theory]
    [InlineData("e1")]
    [InlineData("e3")]
    [InlineData("e4")]
    [InlineData("e5")]
    public void Run_PairOnTheLegThatDoesNotExercise_CountsAtMostOneRep(string exercise)
    {
        Assert.InRange(Replay(exercise, "u4", "u1", Side.Left).Reps.Count, 0, 1);
    }

    private static ReplaySummary Replay(string exercise, string thighUnit, string shankUnit, Side side) =>
        KneePairReplay.Run(Read(exercise, thighUnit), Read(exercise, shankUnit), thighUnit, shankUnit, side, null, null, null);

    private static IReadOnlyList<ImuSample> Read(string exercise, string unit) =>
        UciPhysicalTherapyFile.Read(Path.Combine(TestRecordings.Root, "uci-physical-therapy", "s1", exercise, unit, "test.txt")).EnsureValid().Samples;
}
