using Movement.Protocol;
using Movement.Store.Steps;

namespace Movement.Store;

/// <summary>Single-record writes and the step-goal queries, built on <see cref="IActivityStore"/>'s batch write and daily totals.</summary>
public static class ActivityStoreExtensions
{
    public static Task WriteAsync(this IActivityStore store, ActivityRecord record, CancellationToken cancellationToken) =>
        store.WriteAsync([record], cancellationToken);

    public static Task WriteEventAsync(this IActivityStore store, MovementEvent movementEvent, CancellationToken cancellationToken, string? leg = null) =>
        store.WriteAsync(new EventRecord(movementEvent.Site, movementEvent, leg), cancellationToken);

    public static Task WriteStepReadingAsync(this IActivityStore store, string site, StepReading reading, CancellationToken cancellationToken) =>
        store.WriteAsync(new StepReadingRecord(site, reading), cancellationToken);

    public static async Task<GoalProgress> GetGoalProgressAsync(this IActivityStore store, string site, string participant, DateOnly from, DateOnly to, long dailyGoalSteps, CancellationToken cancellationToken) =>
        StepGoals.Progress(await store.GetDailyStepsAsync(site, participant, from, to, cancellationToken).ConfigureAwait(false), from, to, dailyGoalSteps);

    public static async Task<StepStreak> GetStepStreakAsync(this IActivityStore store, string site, string participant, DateOnly from, DateOnly to, long dailyGoalSteps, CancellationToken cancellationToken) =>
        StepGoals.Streak(await store.GetDailyStepsAsync(site, participant, from, to, cancellationToken).ConfigureAwait(false), from, to, dailyGoalSteps);
}
