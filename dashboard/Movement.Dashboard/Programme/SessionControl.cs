using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Movement.Dashboard.Data;
using Movement.Dashboard.Live;
using Movement.Protocol;

namespace Movement.Dashboard.Programme;

/// <summary>
/// Starts and ends class sessions: builds the <see cref="SessionState"/> (roster from the session's sensor
/// assignments, station plan with this session's progressed targets) and publishes it retained, so the classifier
/// attributes reps, the store's recorder records who wore which sensor and who attended, and every dashboard
/// shows the same group.
/// </summary>
public sealed partial class SessionControl
{
    private readonly IDbContextFactory<DashboardDbContext> _db;
    private readonly LiveFeedService _feed;
    private readonly LiveGroupState _live;
    private readonly TimeProvider _time;
    private readonly DashboardOptions _options;
    private readonly ILogger<SessionControl> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SessionState? _published;

    public SessionControl(IDbContextFactory<DashboardDbContext> db, LiveFeedService feed, LiveGroupState live, TimeProvider time, IOptions<DashboardOptions> options, ILogger<SessionControl> logger)
    {
        _db = db;
        _feed = feed;
        _live = live;
        _time = time;
        _options = options.Value;
        _logger = logger;
        _feed.Connected = OnBrokerConnectedAsync;
    }

    /// <summary>The session state this dashboard last published, if any.</summary>
    public SessionState? Current => _published;

    /// <summary>The cohort's first session not yet started, or null when all 12 are done.</summary>
    public async Task<ProgrammeSession?> NextSessionAsync(int cohortId, CancellationToken cancellationToken)
    {
        await using var db = await _db.CreateDbContextAsync(cancellationToken);
        return await db.Sessions.Where(s => s.CohortId == cohortId && s.StartedAt == null).OrderBy(s => s.Number).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// The session the demo runs on each start: the one a previous run left going (a demo is usually stopped, not
    /// ended), else the next one, else the last one again, so the demo still shows a live class after all twelve
    /// sessions have been used.
    /// </summary>
    private async Task<ProgrammeSession?> DemoSessionAsync(int cohortId, CancellationToken cancellationToken)
    {
        await using var db = await _db.CreateDbContextAsync(cancellationToken);
        var sessions = db.Sessions.Where(s => s.CohortId == cohortId);
        return await sessions.Where(s => s.StartedAt != null && s.EndedAt == null).OrderByDescending(s => s.Number).FirstOrDefaultAsync(cancellationToken)
            ?? await NextSessionAsync(cohortId, cancellationToken)
            ?? await sessions.OrderByDescending(s => s.Number).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Creates the default assignments where a participant has none yet: each of their usual sensors (the usual one,
    /// and the usual thigh sensor of a thigh + shank pair), the participants spread over the stations in turn (in
    /// the order of their usual sensor), as a circuit class starts.
    /// </summary>
    public async Task<List<SensorAssignment>> EnsureAssignmentsAsync(int sessionId, CancellationToken cancellationToken)
    {
        await using var db = await _db.CreateDbContextAsync(cancellationToken);
        var session = await db.Sessions.SingleAsync(s => s.Id == sessionId, cancellationToken);
        var existing = await db.SensorAssignments.Where(a => a.SessionId == sessionId).ToListAsync(cancellationToken);
        var stations = await db.Stations.Where(s => s.CohortId == session.CohortId).OrderBy(s => s.Order).Select(s => s.Station).ToListAsync(cancellationToken);
        if (stations.Count == 0)
        {
            stations.Add("station-1");
        }

        var participants = (await db.Participants.Where(p => p.CohortId == session.CohortId && (p.DefaultSensor != null || p.DefaultThighSensor != null)).ToListAsync(cancellationToken))
            .OrderBy(p => p.DefaultSensor ?? p.DefaultThighSensor, StringComparer.Ordinal).ToList();
        foreach (var (participant, turn) in participants.Select((p, i) => (p, i)).Where(x => existing.All(a => a.ParticipantId != x.p.Id)))
        {
            var station = stations[turn % stations.Count];
            foreach (var (sensor, placement) in UsualSensors(participant))
            {
                var assignment = new SensorAssignment
                {
                    SessionId = sessionId,
                    ParticipantId = participant.Id,
                    Sensor = sensor,
                    Placement = placement,
                    Side = participant.DefaultSide,
                    Station = station,
                };
                db.SensorAssignments.Add(assignment);
                existing.Add(assignment);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return existing;
    }

    /// <summary>The sensors a participant usually wears in class, one per placement (a thigh sensor already usual is not added twice).</summary>
    public static IEnumerable<(string Sensor, Placement Placement)> UsualSensors(Participant participant)
    {
        if (participant.DefaultSensor is { } usual)
        {
            yield return (usual, participant.DefaultPlacement);
        }

        if (participant.DefaultThighSensor is { } thigh && (participant.DefaultSensor is null || participant.DefaultPlacement != Placement.Thigh))
        {
            yield return (thigh, Placement.Thigh);
        }
    }

    public async Task<SessionState> StartAsync(int sessionId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var assignments = await EnsureAssignmentsAsync(sessionId, cancellationToken);
            await using var db = await _db.CreateDbContextAsync(cancellationToken);
            var session = await db.Sessions.Include(s => s.Cohort).SingleAsync(s => s.Id == sessionId, cancellationToken);
            var stations = await db.Stations.Where(s => s.CohortId == session.CohortId).OrderBy(s => s.Order).ToListAsync(cancellationToken);
            var now = _time.GetUtcNow();
            // Receivers refuse an implausible programme length: leave it out rather than have the session refused.
            int? planned = session.Cohort!.SessionsPlanned is >= 1 and <= ProtocolJson.MaxSessionsPlanned ? session.Cohort.SessionsPlanned : null;
            var state = new SessionState
            {
                SessionId = session.SessionKey,
                Active = true,
                Time = now,
                Roster = assignments.OrderBy(a => a.Sensor, StringComparer.Ordinal)
                    .Select(a => new RosterEntry(a.ParticipantId, a.Sensor, a.Placement, a.Side, a.Station)).ToArray(),
                Stations = stations.Select(s => new StationPlan(s.Station, s.Exercise, s.TargetRepsFor(session.Number), s.TargetRomDeg, s.TargetRomKind)).ToArray(),
                StationTimeS = _options.CircuitStationTime?.TotalSeconds,
                ChangeoverS = _options.CircuitStationTime is null ? null : _options.CircuitChangeoverTime?.TotalSeconds,
                CohortId = PseudonymousId.CohortReference(session.CohortId),
                SessionsPlanned = planned,
                // A session beyond the planned ones (an extra class) is the cohort's, but has no number in the programme.
                SessionNumber = session.Number >= 1 && session.Number <= (planned ?? ProtocolJson.DefaultSessionsPlanned) ? session.Number : null,
            };
            await _feed.PublishSessionAsync(state, cancellationToken);
            session.StartedAt ??= now;
            session.EndedAt = null;
            await db.SaveChangesAsync(cancellationToken);
            _published = state;
            LogStarted(_logger, state.SessionId, state.Roster.Count);
            return state;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task EndAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if ((_published ?? _live.Session) is not { Active: true } running)
            {
                return;
            }

            var ended = running with { Active = false, Time = _time.GetUtcNow() };
            await _feed.PublishSessionAsync(ended, cancellationToken);
            await using var db = await _db.CreateDbContextAsync(cancellationToken);
            var session = await db.Sessions.SingleOrDefaultAsync(s => s.SessionKey == running.SessionId, cancellationToken);
            if (session is not null)
            {
                session.EndedAt = ended.Time;
                await db.SaveChangesAsync(cancellationToken);
            }

            _published = ended;
            LogEnded(_logger, ended.SessionId);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task OnBrokerConnectedAsync(CancellationToken cancellationToken)
    {
        if (_published is { } published)
        {
            await _feed.PublishSessionAsync(published, cancellationToken);
            return;
        }

        if (_options.DemoSession)
        {
            await using var db = await _db.CreateDbContextAsync(cancellationToken);
            var cohort = await db.Cohorts.OrderBy(c => c.Id).Select(c => (int?)c.Id).FirstOrDefaultAsync(cancellationToken);
            if (cohort is { } cohortId && await DemoSessionAsync(cohortId, cancellationToken) is { } demo)
            {
                await StartAsync(demo.Id, cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {Session} started with {Count} sensors")]
    private static partial void LogStarted(ILogger logger, string session, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {Session} ended")]
    private static partial void LogEnded(ILogger logger, string session);
}
