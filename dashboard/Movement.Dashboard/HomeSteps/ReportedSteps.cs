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

    /// <summary>
    /// Stores a previewed import: each device of the file becomes (or stays) a source of this participant, and each of
    /// its days one whole-local-day interval, keyed by source and interval. A day stored before with the same count is
    /// left as it is, so importing the same file again changes nothing; a different count replaces it (a later export
    /// corrects an earlier one). The source's days are replaced, never added to: an earlier row of the source that
    /// overlaps an imported day but is not that day (the site's time zone changed since) is removed. All in one
    /// transaction: nothing is half-written.
    /// </summary>
    public async Task<StepImportResult> SaveImportAsync(string participantId, StepImportPreview preview, CancellationToken cancellationToken)
    {
        var zone = storeOptions.Value.GetTimeZone();
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var (added, changed, unchanged) = (0, 0, 0);
        foreach (var group in preview.Days.GroupBy(d => d.SourceIndex))
        {
            var named = preview.Sources[group.Key];
            var source = await db.StepImportSources.SingleOrDefaultAsync(
                s => s.ParticipantId == participantId && s.Format == preview.Format && s.SourceKey == named.Key, cancellationToken);
            if (source is null)
            {
                db.StepImportSources.Add(source = new StepImportSource
                {
                    ParticipantId = participantId, Format = preview.Format, SourceKey = named.Key, Name = named.Name, FirstImportedAt = now, LastImportedAt = now,
                });
                await db.SaveChangesAsync(cancellationToken);
            }

            var dates = group.ToDictionary(d => d.Date, d => d.Steps);
            var (from, to) = (DailyStepCalculator.DayStartUtc(dates.Keys.Min(), zone).UtcTicks, DailyStepCalculator.DayStartUtc(dates.Keys.Max().AddDays(1), zone).UtcTicks);
            var stored = await db.ReportedStepIntervals
                .Where(r => r.ParticipantId == participantId && r.StepImportSourceId == source.Id && r.EndUtcTicks > from && r.StartUtcTicks < to)
                .ToDictionaryAsync(r => (r.StartUtcTicks, r.EndUtcTicks), cancellationToken);
            var sourceChanges = 0;
            foreach (var (date, steps) in dates)
            {
                var key = (DailyStepCalculator.DayStartUtc(date, zone).UtcTicks, DailyStepCalculator.DayStartUtc(date.AddDays(1), zone).UtcTicks);
                if (stored.Remove(key, out var row))
                {
                    if (row.Steps == steps)
                    {
                        unchanged++;
                        continue;
                    }

                    changed++;
                }
                else
                {
                    added++;
                    db.ReportedStepIntervals.Add(row = new ReportedStepInterval
                    {
                        ParticipantId = participantId, StepImportSourceId = source.Id, StartUtcTicks = key.Item1, EndUtcTicks = key.Item2,
                    });
                }

                (row.Steps, row.ReceivedAt) = (steps, now);
                sourceChanges++;
            }

            // What is left overlaps the imported range without being one of its days: replaced when it touches one.
            foreach (var stale in stored.Values.Where(r => dates.ContainsKey(DailyStepCalculator.LocalDate(new DateTimeOffset(r.StartUtcTicks, TimeSpan.Zero), zone))
                         || dates.ContainsKey(DailyStepCalculator.LocalDate(new DateTimeOffset(r.EndUtcTicks - 1, TimeSpan.Zero), zone))))
            {
                db.ReportedStepIntervals.Remove(stale);
                sourceChanges++;
            }

            if (sourceChanges > 0)
            {
                (source.Name, source.LastImportedAt) = (named.Name, now);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new StepImportResult(added, changed, unchanged);
    }

    /// <summary>The participant's import sources with how many days each has stored, newest import first.</summary>
    public async Task<IReadOnlyList<(StepImportSource Source, int Days)>> ImportSourcesAsync(string participantId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var sources = await db.StepImportSources.AsNoTracking().Where(s => s.ParticipantId == participantId).ToListAsync(cancellationToken);
        var days = await db.ReportedStepIntervals.AsNoTracking()
            .Where(r => r.ParticipantId == participantId && r.StepImportSourceId != null)
            .GroupBy(r => r.StepImportSourceId!.Value).Select(g => new { Source = g.Key, Days = g.Count() })
            .ToDictionaryAsync(g => g.Source, g => g.Days, cancellationToken);
        return sources.OrderByDescending(s => s.LastImportedAt).Select(s => (s, days.GetValueOrDefault(s.Id))).ToList();
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
            .Select(r => new { r.DeviceTokenId, r.StepImportSourceId, r.StartUtcTicks, r.EndUtcTicks, r.Steps })
            .ToListAsync(cancellationToken);
        var days = new Dictionary<DateOnly, long>();
        foreach (var device in intervals.GroupBy(r => (r.DeviceTokenId, r.StepImportSourceId)))
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
    internal static IEnumerable<(long Start, long End, long Steps)> LargestOfOverlaps(IEnumerable<(long Start, long End, long Steps)> intervals) =>
        LargestOfSortedOverlaps(intervals.OrderBy(i => i.Start));

    /// <summary><see cref="LargestOfOverlaps"/> of intervals already in order of start, streamed (a file's samples, sorted on disk).</summary>
    internal static IEnumerable<(long Start, long End, long Steps)> LargestOfSortedOverlaps(IEnumerable<(long Start, long End, long Steps)> intervals)
    {
        (long Start, long End, long Steps)? best = null;
        var clusterEnd = long.MinValue;
        foreach (var interval in intervals)
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
