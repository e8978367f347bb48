namespace Movement.Store.Steps;

/// <summary>Goal progress and streaks over daily totals (days without data count as zero steps).</summary>
public static class StepGoals
{
    public static GoalProgress Progress(IReadOnlyList<DailySteps> days, DateOnly from, DateOnly to, long dailyGoalSteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dailyGoalSteps);
        var totals = ByDate(days);
        int count = 0, met = 0;
        long sum = 0;
        for (var date = from; date <= to; date = date.AddDays(1))
        {
            var steps = totals.GetValueOrDefault(date);
            count++;
            sum += steps;
            met += steps >= dailyGoalSteps ? 1 : 0;
        }

        return new GoalProgress(from, to, dailyGoalSteps, count, met, sum);
    }

    public static StepStreak Streak(IReadOnlyList<DailySteps> days, DateOnly from, DateOnly to, long dailyGoalSteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dailyGoalSteps);
        var totals = ByDate(days);
        int run = 0, longest = 0;
        DateOnly? longestEnd = null;
        for (var date = from; date <= to; date = date.AddDays(1))
        {
            run = totals.GetValueOrDefault(date) >= dailyGoalSteps ? run + 1 : 0;
            if (run > longest)
            {
                longest = run;
                longestEnd = date;
            }
        }

        // The last day is usually today: not meeting the goal yet does not break the streak that ended yesterday.
        var current = 0;
        var end = totals.GetValueOrDefault(to) >= dailyGoalSteps ? to : to.AddDays(-1);
        for (var date = end; date >= from && totals.GetValueOrDefault(date) >= dailyGoalSteps; date = date.AddDays(-1))
        {
            current++;
        }

        return new StepStreak(dailyGoalSteps, current, longest, longestEnd);
    }

    private static Dictionary<DateOnly, long> ByDate(IReadOnlyList<DailySteps> days) => days.ToDictionary(d => d.Date, d => d.Total);
}
