using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Movement.Dashboard.Data;
using Movement.Dashboard.HomeSteps;
using Movement.Dashboard.Live;
using Movement.Protocol;
using Movement.Store;
using Movement.Store.Steps;

namespace Movement.Dashboard.Programme;

public sealed record AttendanceRow(string ParticipantId, string DisplayName, int Attended, int Planned)
{
    /// <summary>ESCAPE-pain counts a participant as having completed at 75 % of the sessions.</summary>
    public const double CompletionFraction = 0.75;

    public bool Completed => Attended >= Math.Ceiling(Planned * CompletionFraction);
}

public sealed record ParticipantSteps(DateOnly Today, long? DailyGoal, IReadOnlyList<DailySteps> Days, StepStreak? Streak)
{
    public long TodaySteps => Days.FirstOrDefault(d => d.Date == Today)?.Total ?? 0;
}

/// <summary>Reads and writes for the programme, outcome and participant pages. Activity lives in the activity store.</summary>
public sealed class ProgrammeQueries(IDbContextFactory<DashboardDbContext> dbFactory, IActivityStore activity, IOptions<DashboardOptions> options,
    IOptions<StoreOptions> storeOptions, TimeProvider time, LiveGroupState live, ReportedSteps reported)
{
    private readonly string _site = options.Value.Site;

    /// <summary>Today in the store's time zone (the one daily step totals use).</summary>
    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), storeOptions.Value.GetTimeZone()).DateTime);

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

    /// <summary>The programme session a broker session id belongs to, with its cohort (for "Session 3 of 12"), or null.</summary>
    public async Task<ProgrammeSession?> SessionAsync(string sessionKey, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Sessions.Include(s => s.Cohort).AsNoTracking().SingleOrDefaultAsync(s => s.SessionKey == sessionKey, cancellationToken);
    }

    /// <summary>Sessions attended per participant of the cohort, from the attendance the store holds for its sessions.</summary>
    public async Task<List<AttendanceRow>> AttendanceAsync(Cohort cohort, CancellationToken cancellationToken)
    {
        var keys = cohort.Sessions.Select(s => s.SessionKey).ToHashSet(StringComparer.Ordinal);
        var from = cohort.Sessions.Count > 0 ? cohort.Sessions.Min(s => s.PlannedDate).AddDays(-365) : cohort.StartDate;
        var records = await activity.GetAttendanceAsync(_site, from, Today.AddDays(1), cancellationToken);
        var counts = records.Where(r => r.Attended && keys.Contains(r.Session))
            .GroupBy(r => r.Participant).ToDictionary(g => g.Key, g => g.Select(r => r.Session).Distinct().Count());
        return cohort.Participants.OrderBy(p => p.DisplayName, NaturalOrder.Names)
            .Select(p => new AttendanceRow(p.Id, p.DisplayName, counts.GetValueOrDefault(p.Id), cohort.SessionsPlanned)).ToList();
    }

    public async Task<OutcomeReport> OutcomeReportAsync(int cohortId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var cohort = await db.Cohorts.Include(c => c.Participants).AsNoTracking().SingleAsync(c => c.Id == cohortId, cancellationToken);
        var rows = new List<ParticipantOutcomes>();
        foreach (var participant in cohort.Participants.OrderBy(p => p.DisplayName, NaturalOrder.Names))
        {
            rows.Add(await OutcomesOfAsync(participant, cancellationToken));
        }

        return new OutcomeReport(cohort.Name, rows);
    }

    public async Task<Dictionary<string, double>> OutcomesAsync(string participantId, string timepoint, CancellationToken cancellationToken) =>
        (await activity.GetOutcomesAsync(_site, participantId, cancellationToken)).Where(r => r.Timepoint == timepoint)
            .GroupBy(r => r.Measure).ToDictionary(g => g.Key, g => g.Last().Value);

    public Task SaveOutcomesAsync(string participantId, string timepoint, IReadOnlyDictionary<string, double> values, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return activity.WriteAsync(values.Select(v => (ActivityRecord)new Movement.Store.OutcomeRecord(_site, participantId, v.Key, timepoint, v.Value, now)).ToList(), cancellationToken);
    }

    /// <summary>
    /// The sensor-measured 30-second chair-stand count: sit-to-stand reps the store holds for the participant that
    /// end within 30 s of the first one on <paramref name="day"/>. Null when no sit-to-stand was recorded that day.
    /// </summary>
    public async Task<int?> ChairStandCountAsync(string participantId, DateOnly day, CancellationToken cancellationToken)
    {
        var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return ChairStands.Count(await activity.GetRepsAsync(_site, participantId, from, from.AddDays(1), cancellationToken));
    }

    /// <summary>
    /// The participant's class history: per session of their cohort, attendance, per exercise sets, reps, mean range and
    /// flags (the store's session summary), and the chair-stand count of that session's sit-to-stand reps.
    /// </summary>
    public async Task<ParticipantHistory> ParticipantHistoryAsync(Participant participant, CancellationToken cancellationToken)
    {
        var attendance = await SessionHistoryAsync(participant, cancellationToken);
        var held = attendance.Where(a => a.Session.StartedAt is not null).ToList();
        var repsBySession = new Dictionary<string, List<RepSummary>>(StringComparer.Ordinal);
        if (held.Count > 0)
        {
            var from = held.Min(a => a.Session.StartedAt!.Value).AddDays(-1);
            foreach (var rep in await activity.GetRepsAsync(_site, participant.Id, from, time.GetUtcNow().AddDays(1), cancellationToken))
            {
                if (rep.Session is { } key)
                {
                    (repsBySession.TryGetValue(key, out var list) ? list : repsBySession[key] = []).Add(rep);
                }
            }
        }

        var rows = new List<SessionHistoryRow>();
        foreach (var (session, attended) in attendance)
        {
            var exercises = session.StartedAt is null ? [] : (await activity.GetSessionSummaryAsync(_site, session.SessionKey, cancellationToken))
                .Where(e => e.Participant == participant.Id).ToList();
            rows.Add(new SessionHistoryRow(session, attended, exercises, ChairStands.Count(repsBySession.GetValueOrDefault(session.SessionKey) ?? [])));
        }

        return new ParticipantHistory(rows, await TargetRomAsync(participant.CohortId, cancellationToken), await OutcomesOfAsync(participant, cancellationToken));
    }

    /// <summary>The circuit's target range per exercise, as the plan is now (the first station of an exercise that sets one).</summary>
    private async Task<Dictionary<string, double>> TargetRomAsync(int cohortId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return (await db.Stations.AsNoTracking().Where(s => s.CohortId == cohortId && s.TargetRomDeg != null).OrderBy(s => s.Order).ToListAsync(cancellationToken))
            .GroupBy(s => s.Exercise, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().TargetRomDeg!.Value, StringComparer.Ordinal);
    }

    /// <summary>
    /// The session report: each participant of the cohort, attended or not, with their exercises as the store summarises
    /// them and, for the session this dashboard is watching live, the alerts their tile has shown.
    /// </summary>
    public async Task<SessionReport?> SessionReportAsync(int sessionId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var session = await db.Sessions.Include(s => s.Cohort).ThenInclude(c => c!.Participants).AsNoTracking().SingleOrDefaultAsync(s => s.Id == sessionId, cancellationToken);
        if (session?.Cohort is not { } cohort)
        {
            return null;
        }

        var summary = session.StartedAt is null ? [] : await activity.GetSessionSummaryAsync(_site, session.SessionKey, cancellationToken);
        var attended = (await activity.GetAttendanceAsync(_site, session.PlannedDate.AddDays(-365), Today.AddDays(1), cancellationToken))
            .Where(a => a.Session == session.SessionKey && a.Attended).Select(a => a.Participant).ToHashSet(StringComparer.Ordinal);
        var watched = live.Session?.SessionId == session.SessionKey;
        var rows = cohort.Participants.Select(p => p.Id).Union(summary.Select(e => e.Participant), StringComparer.Ordinal)
            .Select(id => new SessionReportRow(id, cohort.Participants.FirstOrDefault(p => p.Id == id)?.DisplayName ?? id, attended.Contains(id),
                summary.Where(e => e.Participant == id).ToList(), watched ? live.AlertsRaised(id) : null))
            .OrderBy(r => r.DisplayName, NaturalOrder.Names).ToList();
        return new SessionReport(session, cohort.SessionsPlanned, await TargetRomAsync(cohort.Id, cancellationToken), rows, watched);
    }

    /// <summary>
    /// The cohort report: attendance and completion, outcome changes, and adherence to the home step goal from the
    /// discharge date (else the day after the last planned session) to today.
    /// </summary>
    public async Task<CohortReport?> CohortReportAsync(int cohortId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var cohort = await db.Cohorts.Include(c => c.Participants).Include(c => c.Sessions).AsNoTracking().SingleOrDefaultAsync(c => c.Id == cohortId, cancellationToken);
        if (cohort is null)
        {
            return null;
        }

        var outcomes = await OutcomeReportAsync(cohortId, cancellationToken);
        var lastPlanned = cohort.Sessions.Count > 0 ? cohort.Sessions.Max(s => s.PlannedDate) : cohort.StartDate;
        var rows = new List<CohortReportRow>();
        foreach (var attendance in await AttendanceAsync(cohort, cancellationToken))
        {
            var participant = cohort.Participants.Single(p => p.Id == attendance.ParticipantId);
            GoalProgress? goal = null;
            var from = participant.DischargeDate ?? lastPlanned.AddDays(1);
            if (participant.DailyStepGoal is { } daily && from <= Today)
            {
                goal = StepGoals.Progress(await DailyStepsAsync(participant.Id, from, Today, cancellationToken), from, Today, daily);
            }

            rows.Add(new CohortReportRow(attendance, outcomes.Participants.Single(o => o.ParticipantId == participant.Id), goal));
        }

        return new CohortReport(cohort, cohort.Sessions.Count(s => s.StartedAt is not null), rows, outcomes);
    }

    /// <summary>The participant's outcome scores as stored: the latest per measure and timepoint, with when each was scored.</summary>
    public Task<IReadOnlyList<Movement.Store.OutcomeRecord>> OutcomeRecordsAsync(string participantId, CancellationToken cancellationToken) =>
        activity.GetOutcomesAsync(_site, participantId, cancellationToken);

    /// <summary>A participant's first and last value of every measure.</summary>
    private async Task<ParticipantOutcomes> OutcomesOfAsync(Participant participant, CancellationToken cancellationToken)
    {
        var records = await activity.GetOutcomesAsync(_site, participant.Id, cancellationToken);
        double? Value(OutcomeMeasure m, string timepoint) => records.LastOrDefault(r => r.Measure == m.Id && r.Timepoint == timepoint)?.Value;
        return new ParticipantOutcomes(participant.Id, participant.DisplayName,
            OutcomeMeasures.All.Select(m => new OutcomeChange(m, Value(m, OutcomeMeasures.FirstSession), Value(m, OutcomeMeasures.LastSession))).ToArray());
    }

    public async Task<Participant?> ParticipantAsync(string participantId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Participants.Include(p => p.Cohort).ThenInclude(c => c!.Sessions).AsNoTracking()
            .SingleOrDefaultAsync(p => p.Id == participantId, cancellationToken);
    }

    /// <summary>The participant's cohort sessions with whether they attended, in order.</summary>
    public async Task<List<(ProgrammeSession Session, bool Attended)>> SessionHistoryAsync(Participant participant, CancellationToken cancellationToken)
    {
        var sessions = participant.Cohort?.Sessions.OrderBy(s => s.Number).ToList() ?? [];
        var from = sessions.Count > 0 ? sessions[0].PlannedDate.AddDays(-365) : Today.AddDays(-365);
        var attended = (await activity.GetAttendanceAsync(_site, from, Today.AddDays(1), cancellationToken))
            .Where(a => a.Participant == participant.Id && a.Attended).Select(a => a.Session).ToHashSet(StringComparer.Ordinal);
        return sessions.Select(s => (s, attended.Contains(s.SessionKey))).ToList();
    }

    /// <summary>
    /// A participant's steps per local day, every day from <paramref name="from"/> to <paramref name="to"/>, from every
    /// source: the class counters and manual entries (the activity store) and what their phones and home hubs sent
    /// (the steps API), counted once by the store's rules (docs/storage.md, docs/steps-api.md). Every page, report
    /// and export that shows a participant's daily steps reads them here.
    /// </summary>
    public async Task<IReadOnlyList<DailySteps>> DailyStepsAsync(string participantId, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        await reported.CombineAsync(participantId, await activity.GetDailyStepsAsync(_site, participantId, from, to, cancellationToken), cancellationToken);

    /// <summary>The last 30 days of steps (<see cref="DailyStepsAsync"/>) and the streak.</summary>
    public async Task<ParticipantSteps> StepsAsync(Participant participant, CancellationToken cancellationToken)
    {
        var today = Today;
        var days = await DailyStepsAsync(participant.Id, today.AddDays(-29), today, cancellationToken);
        var streakFrom = today.AddDays(-365);
        var streak = participant.DailyStepGoal is { } goal
            ? StepGoals.Streak(await DailyStepsAsync(participant.Id, streakFrom, today, cancellationToken), streakFrom, today, goal)
            : null;
        return new ParticipantSteps(today, participant.DailyStepGoal, days, streak);
    }

    /// <summary>
    /// The first day a participant may enter steps for: their programme's first session (or its start date), else a
    /// year back. The last is today.
    /// </summary>
    public DateOnly FirstStepDay(Participant participant) =>
        participant.Cohort is { } cohort
            ? cohort.Sessions.Count > 0 ? cohort.Sessions.Min(s => s.PlannedDate) : cohort.StartDate
            : Today.AddDays(-365);

    /// <summary>The participant's manual step entries from <paramref name="from"/> to today, newest first (an entry of 0 is a removed one).</summary>
    public async Task<List<DailySteps>> ManualEntriesAsync(string participantId, DateOnly from, CancellationToken cancellationToken) =>
        (await activity.GetDailyStepsAsync(_site, participantId, from, Today, cancellationToken))
            .Where(d => d.ManualSteps > 0).OrderByDescending(d => d.Date).ToList();

    /// <summary>The manual entry for one day, 0 when there is none (so writing it back undoes a later entry).</summary>
    public async Task<long> ManualStepsOnAsync(string participantId, DateOnly date, CancellationToken cancellationToken) =>
        (await activity.GetDailyStepsAsync(_site, participantId, date, date, cancellationToken)) is [{ ManualSteps: { } steps }, ..] ? steps : 0;

    public Task SaveManualStepsAsync(string participantId, DateOnly date, long steps, CancellationToken cancellationToken) =>
        activity.WriteAsync(new ManualStepsRecord(_site, participantId, date, steps, time.GetUtcNow()), cancellationToken);

    public async Task SetStepGoalAsync(string participantId, int? dailyGoal, DateOnly? discharge, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var participant = await db.Participants.SingleAsync(p => p.Id == participantId, cancellationToken);
        participant.DailyStepGoal = dailyGoal;
        participant.DischargeDate = discharge;
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Gives the participant a step counter of their own for home (counted through a home hub, docs/home-hub.md) from
    /// now on, or none (null). The counter's readings from now count as the participant's; a home counter they had
    /// before stops counting for them. Returns why not, or null when saved.
    /// </summary>
    public async Task<string?> SetHomeStepCounterAsync(string participantId, string? sensor, CancellationToken cancellationToken)
    {
        sensor = string.IsNullOrWhiteSpace(sensor) ? null : sensor.Trim();
        if (sensor is not null && !Topics.IsValidId(sensor))
        {
            return $"Sensor id '{sensor}' is not valid: use 1-64 of a-z, 0-9, '-', '_' (the id the home hub's settings use).";
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (sensor is not null && await db.Participants.AnyAsync(p => p.Id != participantId && p.StepSensor == sensor, cancellationToken))
        {
            return $"Step counter {sensor} already counts for another participant: give each participant their own.";
        }

        var participant = await db.Participants.SingleAsync(p => p.Id == participantId, cancellationToken);
        var previous = participant.StepSensor;
        if (previous == sensor)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var records = new List<ActivityRecord>();
        // A class sensor that also counted steps keeps counting in class: the session roster assigns it.
        if (previous is not null && previous != participant.DefaultSensor && previous != participant.DefaultThighSensor)
        {
            records.Add(new DeviceAssignmentRecord(_site, previous, null, now));
        }

        if (sensor is not null)
        {
            records.Add(new DeviceAssignmentRecord(_site, sensor, participantId, now));
        }

        await activity.WriteAsync(records, cancellationToken);
        participant.StepSensor = sensor;
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }
}
