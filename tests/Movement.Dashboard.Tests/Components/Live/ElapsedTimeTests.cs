using Movement.Dashboard.Components.Live;

namespace Movement.Dashboard.Tests.Components.Live;

public sealed class ElapsedTimeTests
{
    [Theory]
    [InlineData(0, "0:00")]
    [InlineData(7, "0:07")]
    [InlineData(59 * 60 + 59, "59:59")]
    [InlineData(3600, "1:00:00")]
    [InlineData(3600 + 4 * 60 + 7, "1:04:07")]
    [InlineData(26 * 3600, "26:00:00")]
    public void Format_WholeSeconds_MinutesOrHours(int seconds, string expected) =>
        Assert.Equal(expected, ElapsedTime.Format(TimeSpan.FromSeconds(seconds)));
}
