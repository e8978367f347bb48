using Movement.Store.Steps;
using static Movement.Store.Tests.TestData;

namespace Movement.Store.Tests.Steps;

public sealed class DailyStepCalculatorTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Compute_RandomReadingsOverDstChanges_DayTotalsAddUpToTheIncrements(int seed)
    {
        var random = new Random(seed);
        var time = Utc("2026-03-20T00:00:00Z");
        long total = 0, expected = 0;
        var readings = new List<CounterReading> { new(time, 0) };
        while (time < Utc("2026-11-01T00:00:00Z"))
        {
            time = time.AddMinutes(random.Next(1, 60 * 30)); // up to 30 h between readings: gaps across midnight
            if (total >= 500 && random.Next(20) == 0) // a restart is only recognisable when the counter goes down
            {
                total = random.Next(0, 500); // restart
                expected += total;
            }
            else
            {
                var steps = random.Next(0, 3000);
                total += steps;
                expected += steps;
            }

            readings.Add(new CounterReading(time, total));
        }

        var days = DailyStepCalculator.Compute("p1",
            new Dictionary<string, IReadOnlyList<CounterReading>> { ["sensor-a"] = readings },
            new Dictionary<string, IReadOnlyList<SensorAssignment>> { ["sensor-a"] = [new SensorAssignment(Utc("2026-01-01T00:00:00Z"), "p1")] },
            new Dictionary<DateOnly, long>(), Day("2026-03-19"), Day("2026-11-02"), London);

        Assert.Equal(expected, days.Sum(d => d.DeviceSteps));
        Assert.All(days, d => Assert.True(d.DeviceSteps >= 0));
    }

    [Theory]
    [InlineData("2026-03-29", "2026-03-29T00:00:00Z", 23)]
    [InlineData("2026-10-25", "2026-10-24T23:00:00Z", 25)]
    [InlineData("2026-07-01", "2026-06-30T23:00:00Z", 24)]
    public void DayStartUtc_London_LocalMidnightAndDayLength(string date, string expectedStart, int hours)
    {
        var start = DailyStepCalculator.DayStartUtc(Day(date), London);
        var next = DailyStepCalculator.DayStartUtc(Day(date).AddDays(1), London);

        Assert.Equal(Utc(expectedStart), start);
        Assert.Equal(TimeSpan.FromHours(hours), next - start);
    }
}
