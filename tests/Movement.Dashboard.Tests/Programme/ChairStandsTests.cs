using Movement.Dashboard.Programme;
using Movement.Protocol;
using Movement.Store;

namespace Movement.Dashboard.Tests.Programme;

public sealed class ChairStandsTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static RepSummary Rep(string exercise, double endS, double durationS = 2) =>
        new($"r{endS}", Start.AddSeconds(endS), "p-a", "sim-01", exercise, "right", "s01", 1, 1, 90, durationS);

    [Fact]
    public void Count_RepsEndingWithin30sOfFirstStart_CountedOthersNot()
    {
        // The first starts at 1 s (ends at 3 s): reps ending by 31 s count, the one at 31.5 s does not.
        var reps = new[] { Rep(ExerciseIds.SitToStand, 3), Rep(ExerciseIds.SitToStand, 17), Rep(ExerciseIds.SitToStand, 31), Rep(ExerciseIds.SitToStand, 31.5), Rep(ExerciseIds.Squat, 10) };
        Assert.Equal(3, ChairStands.Count(reps));
    }

    [Fact]
    public void Count_NoSitToStand_Null() => Assert.Null(ChairStands.Count([Rep(ExerciseIds.Squat, 10)]));
}
