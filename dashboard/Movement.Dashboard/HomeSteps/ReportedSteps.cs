using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Movement.Dashboard.Data;
using Movement.Store;
using Movement.Store.Steps;

namespace Movement.Dashboard.HomeSteps;

/// <summary>
/// Keeps the intervals devices report (<see cref="ReportedStepInterval"/>) and turns them into steps per local day.
/// The rules follow the store's for counters (docs/storage.md): an interval is spread over the local days it
/// covers by time; one device's overlapping intervals (e.g. today's running total, sent again as it grows) count
/// once, the largest; several devices counting the same day count once, the one that counted the most; and the
/// day's total is the larger of that, the class counters and a manual entry.
/// </summary>
public sealed class ReportedSteps(IDbContextFactory<DashboardDbContext> dbFactory, IOptions<StoreOptions> storeOptions, TimeProvider time)
{
    /// <summary>Stores the intervals of one token (its participant's); returns how many were new (others replaced a count for the same interval).</summary>
    public async Task<int> SaveAsync(DeviceToken token, IReadOnlyList<StepInterval> intervals, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var added = 0;
        // The same interval twice in one body: the last one counts, as it would in two requests.
        foreach (var interval in intervals.GroupBy(i => (i.Start.UtcTicks, i.End.UtcTicks)).Select(g => g.Last()))
        {
            var (start, end) = (interval.Start.UtcTicks, interval.End.UtcTicks);
            var stored = await db.ReportedStepIntervals.SingleOrDefaultAsync(
                r => r.ParticipantId == token.ParticipantId && r.DeviceTokenId == token.Id && r.StartUtcTicks == start && r.EndUtcTicks == end, cancellationToken);
            if (stored is null)
            {
                added++;
                db.ReportedStepIntervals.Add(stored = new ReportedStepInterval
                {
                    ParticipantId = token.ParticipantId, DeviceTokenId = token.Id, StartUtcTicks = start, EndUtcTicks = end,
                });
            }

            stored.Steps = interval.Steps;
            stored.ReceivedAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
        return added;
    }

    /// <summary>Reported steps per local day from <paramref name="from"/> to <paramref name="to"/> (days with none are absent).</summary>
    public async Task<Dictionary<DateOnly, long>> DailyAsync(string participantId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var zone = storeOptions.Value.GetTimeZone();
        var start = DailyStepCalculator.DayStartUtc(from, zone).UtcTicks;
        var end = DailyStepCalculator.DayStartUtc(to.AddDays(1), zone).UtcTicks;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var intervals = await db.ReportedStepIntervals.AsNoTracking()
            .Where(r => r.ParticipantId == participantId && r.EndUtcTicks > start && r.StartUtcTicks < end)
            .Select(r => new { r.DeviceTokenId, r.StartUtcTicks, r.EndUtcTicks, r.Steps })
            .ToListAsync(cancellationToken);
        var days = new Dictionary<DateOnly, long>();
        foreach (var device in intervals.GroupBy(r => r.DeviceTokenId))
        {
            var deviceDays = new Dictionary<DateOnly, long>();
            foreach (var kept in LargestOfOverlaps(device.Select(r => (r.StartUtcTicks, r.EndUtcTicks, r.Steps))))
            {
                DailyStepCalculator.Spread(kept.Steps, Utc(kept.Start), Utc(kept.End), zone, deviceDays);
            }

            foreach (var (date, steps) in deviceDays.Where(d => d.Key >= from && d.Key <= to))
            {
                days[date] = Math.Max(days.GetValueOrDefault(date), steps);
            }
        }

        return days;
    }

    /// <summary>The store's days with the reported steps counted as one more device (the larger of the two).</summary>
    public async Task<IReadOnlyList<DailySteps>> CombineAsync(string participantId, IReadOnlyList<DailySteps> days, CancellationToken cancellationToken)
    {
        if (days.Count == 0)
        {
            return days;
        }

        var reported = await DailyAsync(participantId, days.Min(d => d.Date), days.Max(d => d.Date), cancellationToken);
        return days.Select(d => reported.TryGetValue(d.Date, out var steps) && steps > d.DeviceSteps ? d with { DeviceSteps = steps } : d).ToList();
    }

    /// <summary>Intervals that overlap form a cluster; each cluster counts once, as its largest interval.</summary>
    internal static IEnumerable<(long Start, long End, long Steps)> LargestOfOverlaps(IEnumerable<(long Start, long End, long Steps)> intervals)
    {
        (long Start, long End, long Steps)? best = null;
        var clusterEnd = long.MinValue;
        foreach (var interval in intervals.OrderBy(i => i.Start))
        {
            if (best is { } b && interval.Start >= clusterEnd)
            {
                yield return b;
                best = null;
            }

            if (best is null || interval.Steps > best.Value.Steps)
            {
                best = interval;
            }

            clusterEnd = Math.Max(clusterEnd, interval.End);
        }

        if (best is { } last)
        {
            yield return last;
        }
    }

    private static DateTimeOffset Utc(long ticks) => new(ticks, TimeSpan.Zero);
}
