using Movement.Dashboard.HomeSteps;

namespace Movement.Dashboard.Tests.HomeSteps;

public sealed class ReportedStepsTests
{
    [Fact]
    public void LargestOfOverlaps_RunningTotalSentAsItGrows_CountsTheLargestOnce()
    {
        var kept = ReportedSteps.LargestOfOverlaps([(0, 10, 5000), (0, 12, 6000), (0, 11, 5500)]).ToList();

        Assert.Equal([(0L, 12L, 6000L)], kept);
    }

    [Fact]
    public void LargestOfOverlaps_BackToBackIntervals_AllCount()
    {
        var kept = ReportedSteps.LargestOfOverlaps([(2, 3, 30), (0, 1, 10), (1, 2, 20)]).ToList();

        Assert.Equal(60, kept.Sum(k => k.Steps));
        Assert.Equal(3, kept.Count);
    }

    [Fact]
    public void LargestOfOverlaps_TwoClusters_OnePerCluster()
    {
        var kept = ReportedSteps.LargestOfOverlaps([(0, 5, 100), (4, 6, 300), (10, 20, 50), (15, 16, 70)]).ToList();

        Assert.Equal([(4L, 6L, 300L), (15L, 16L, 70L)], kept);
    }
}
