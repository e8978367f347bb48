using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Movement.Dashboard.Data;
using Movement.Protocol;
using Movement.Store;

namespace Movement.Dashboard.Programme;

public sealed record AttendanceRow(string ParticipantId, string DisplayName, int Attended, int Planned)
{
    /// <summary>ESCAPE-pain counts a participant as having completed at 75 % of the sessions.</summary>
    public const double CompletionFraction = 0.75;

    public bool Completed => Attended >= Math.Ceiling(Planned * CompletionFraction);
}

public sealed record SessionSummaryRow(string ParticipantId, string DisplayName, int Reps, double? MeanRomDeg, int FlaggedReps, IReadOnlyDictionary<string, int> RepsByExercise);

/// <summary>Reads for the programme, outcome and participant pages; activity comes from the activity store.</summary>
public sealed class ProgrammeQueries(IDbContextFactory<DashboardDbContext> dbFactory, IActivityStore activity, IOptions<DashboardOptions> options, TimeProvider time)
{
    private readonly string _site = options.Value.Site;

    public async Task<List<Cohort>> CohortsAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Cohorts.Include(c => c.Participants).Include(c => c.Stations).Include(c => c.Sessions).AsNoTracking()
            .OrderBy(c => c.Id).ToListAsync(cancellationToken);
    }

    public async Task<Dictionary<string, string>> DisplayNamesAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Participants.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.DisplayName, StringComparer.Ordinal, cancellationToken);
    }

    public async Task<List<AttendanceRow>> AttendanceAsync(int cohortId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var cohort = await db.Cohorts.Include(c => c.Participants).AsNoTracking().SingleAsync(c => c.Id == cohortId, cancellationToken);
        var sessionIds = await db.Sessions.Where(s => s.CohortId == cohortId).Select(s => s.Id).ToListAsync(cancellationToken);
        var counts = await db.Attendance.Where(a => sessionIds.Contains(a.SessionId))
            .GroupBy(a => a.ParticipantId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, cancellationToken);
        return cohort.Participants.OrderBy(p => p.DisplayName, StringComparer.Ordinal)
            .Select(p => new AttendanceRow(p.Id, p.DisplayName, counts.GetValueOrDefault(p.Id), cohort.SessionsPlanned)).ToList();
    }

    /// <summary>What each participant did in one session, from the reps the store recorded for it.</summary>
    public async Task<List<SessionSummaryRow>> SessionSummaryAsync(int sessionId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var session = await db.Sessions.AsNoTracking().SingleAsync(s => s.Id == sessionId, cancellationToken);
        if (session.StartedAt is not { } started)
        {
            return [];
        }

        var ended = session.EndedAt ?? time.GetUtcNow();
        var present = await db.Attendance.Where(a => a.SessionId == sessionId).Select(a => a.ParticipantId).ToListAsync(cancellationToken);
        var names = await db.Participants.Where(p => present.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.DisplayName, cancellationToken);
        var rows = new List<SessionSummaryRow>();
        foreach (var participant in present.Order(StringComparer.Ordinal))
        {
            var reps = (await activity.GetRepsAsync(_site, participant, started, ended.AddSeconds(1), cancellationToken))
                .Where(r => r.Session is null || r.Session == session.SessionKey).ToList();
            rows.Add(new SessionSummaryRow(participant, names.GetValueOrDefault(participant, participant), reps.Count,
                reps.Count > 0 ? Math.Round(reps.Average(r => r.RomDeg), 1) : null,
                reps.Count(r => r.Flags.Count > 0),
                reps.GroupBy(r => r.Exercise).ToDictionary(g => g.Key, g => g.Count())));
        }

        return rows;
    }

    public async Task<OutcomeReport> OutcomeReportAsync(int cohortId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var cohort = await db.Cohorts.Include(c => c.Participants).AsNoTracking().SingleAsync(c => c.Id == cohortId, cancellationToken);
        var ids = cohort.Participants.Select(p => p.Id).ToList();
        var records = await db.Outcomes.Where(o => ids.Contains(o.ParticipantId)).AsNoTracking().ToListAsync(cancellationToken);
        var rows = cohort.Participants.OrderBy(p => p.DisplayName, StringComparer.Ordinal).Select(p =>
        {
            var first = OutcomeReport.Values(records.SingleOrDefault(r => r.ParticipantId == p.Id && r.Timepoint == Timepoint.First));
            var last = OutcomeReport.Values(records.SingleOrDefault(r => r.ParticipantId == p.Id && r.Timepoint == Timepoint.Last));
            return new ParticipantOutcomes(p.Id, p.DisplayName,
                OutcomeReport.Measures.Select((m, i) => new OutcomeChange(m.Name, first[i], last[i])).ToArray());
        }).ToList();
        return new OutcomeReport(cohort.Name, rows);
    }

    /// <summary>
    /// The sensor-measured 30-second chair-stand count: sit-to-stand reps the store holds for the participant
    /// that end within 30 s of the first one on <paramref name="day"/>. Null when no sit-to-stand was recorded.
    /// </summary>
    public async Task<int?> ChairStandCountAsync(string participantId, DateOnly day, CancellationToken cancellationToken)
    {
        var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var reps = (await activity.GetRepsAsync(_site, participantId, from, from.AddDays(1), cancellationToken))
            .Where(r => r.Exercise == ExerciseIds.SitToStand).OrderBy(r => r.StartTime).ToList();
        if (reps.Count == 0)
        {
            return null;
        }

        var start = reps[0].StartTime;
        return reps.Count(r => r.Time <= start.AddSeconds(30));
    }

    public async Task<Participant?> ParticipantAsync(string participantId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Participants.Include(p => p.Cohort).AsNoTracking().SingleOrDefaultAsync(p => p.Id == participantId, cancellationToken);
    }

    /// <summary>Sessions of the participant's cohort with whether they attended, in order.</summary>
    public async Task<List<(ProgrammeSession Session, bool Attended)>> SessionHistoryAsync(string participantId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var cohortId = await db.Participants.Where(p => p.Id == participantId).Select(p => p.CohortId).SingleAsync(cancellationToken);
        var sessions = await db.Sessions.Where(s => s.CohortId == cohortId).OrderBy(s => s.Number).AsNoTracking().ToListAsync(cancellationToken);
        var attended = (await db.Attendance.Where(a => a.ParticipantId == participantId).Select(a => a.SessionId).ToListAsync(cancellationToken)).ToHashSet();
        return sessions.Select(s => (s, attended.Contains(s.Id))).ToList();
    }
}
