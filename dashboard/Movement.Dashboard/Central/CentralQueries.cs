using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Options;
using Movement.Dashboard.Access;
using Movement.Dashboard.Data;
using Movement.Dashboard.Programme;
using Movement.Protocol;
using Movement.Store;

namespace Movement.Dashboard.Central;

/// <summary>
/// One recorded session of a site, as the central store knows it (from the session's roster), with its number in
/// its cohort's programme when the session state carried one.
/// </summary>
public sealed record CentralSession(string Session, DateTimeOffset Time, int Attended, int? Number = null)
{
    /// <summary>The session of these attendance records (all of one session).</summary>
    public static CentralSession Of(IReadOnlyCollection<AttendanceRecord> attendance) => new(
        attendance.First().Session, attendance.Min(a => a.SessionTime),
        attendance.Where(a => a.Attended).Select(a => a.Participant).Distinct(StringComparer.Ordinal).Count(),
        attendance.Select(a => a.SessionNumber).FirstOrDefault(n => n is not null));
}

/// <summary>
/// A cohort of a site by its pseudonymous reference (<see cref="Cohort"/> null: the sessions recorded without one,
/// e.g. before session states carried it). <see cref="Participants"/> count the sessions each attended and whether
/// that completes the programme by the site's own rule (<see cref="AttendanceRow.Completed"/>); empty for no cohort.
/// </summary>
public sealed record CentralCohort(string? Cohort, int SessionsPlanned, IReadOnlyList<CentralSession> Sessions, IReadOnlyList<AttendanceRow> Participants)
{
    public int Completed => Participants.Count(p => p.Completed);
}

/// <summary>A recorded session's rows: who attended (pseudonymous ids) and what they did.</summary>
public sealed record CentralSessionReport(string Site, CentralSession Session, IReadOnlyList<string> Participants, IReadOnlyList<SessionExerciseSummary> Exercises)
{
    public string ToCsv()
    {
        var csv = new StringBuilder("site,session,participant,exercise,sets,reps,mean_rom_deg\n");
        foreach (var participant in Participants)
        {
            var rows = Exercises.Where(e => e.Participant == participant).ToList();
            if (rows.Count == 0)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{Site},{Session.Session},{participant},,0,0,\n");
            }

            foreach (var e in rows)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{Site},{Session.Session},{participant},{e.Exercise},{e.Sets},{e.Reps},{e.MeanRomDeg:F1}\n");
            }
        }

        return csv.ToString();
    }
}

/// <summary>
/// The central dashboard's reads: every site's cohorts, sessions and session summaries from the central store, which
/// holds pseudonymous ids only (names, cohort names and plans stay in each site's own dashboard database). Every read takes the
/// signed-in user and answers only for a site they may see; any other site reads as nothing (a 404 to the page), so a
/// supervisor learns nothing about sites that are not theirs, not even whether they exist.
/// </summary>
public sealed class CentralQueries(IActivityStore activity, IOptions<CentralOptions> options, IOptions<StoreOptions> storeOptions, TimeProvider time)
{
    /// <summary>The configured sites this user may see, in configuration order.</summary>
    public IReadOnlyList<string> SitesFor(ClaimsPrincipal user)
    {
        if (!user.IsInRole(Roles.CentralSupervisor) || user.FindFirstValue(DashboardClaims.Site) is not { } scope)
        {
            return [];
        }

        return [.. options.Value.Sites.Where(site => scope == CentralSupervisor.EverySite || scope == site)];
    }

    public bool MayView(ClaimsPrincipal user, string site) => SitesFor(user).Contains(site, StringComparer.Ordinal);

    /// <summary>
    /// The site's cohorts from attendance over <see cref="CentralOptions.SessionHistory"/>, with their sessions newest
    /// first: those with a cohort reference by reference, then the sessions without one. Null when the user may not
    /// see the site.
    /// </summary>
    public async Task<IReadOnlyList<CentralCohort>?> CohortsAsync(ClaimsPrincipal user, string site, CancellationToken cancellationToken)
    {
        if (!MayView(user, site))
        {
            return null;
        }

        var attendance = await AttendanceAsync(site, cancellationToken);
        return [.. attendance.GroupBy(a => a.Cohort)
            .OrderBy(g => g.Key is null).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(ToCohort)];
    }

    private static CentralCohort ToCohort(IGrouping<string?, AttendanceRecord> attendance)
    {
        var planned = attendance.Max(a => a.SessionsPlanned) ?? ProtocolJson.DefaultSessionsPlanned;
        var sessions = attendance.GroupBy(a => a.Session, StringComparer.Ordinal).Select(g => CentralSession.Of([.. g])).OrderByDescending(s => s.Time).ToList();
        List<AttendanceRow> participants = attendance.Key is null ? [] :
        [
            .. attendance.GroupBy(a => a.Participant, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new AttendanceRow(g.Key, g.Key, g.Where(a => a.Attended).Select(a => a.Session).Distinct(StringComparer.Ordinal).Count(), planned)),
        ];
        return new CentralCohort(attendance.Key, planned, sessions, participants);
    }

    /// <summary>One session's report; null when the user may not see the site or the site has no such session.</summary>
    public async Task<CentralSessionReport?> SessionReportAsync(ClaimsPrincipal user, string site, string session, CancellationToken cancellationToken)
    {
        if (!MayView(user, site))
        {
            return null;
        }

        var attendance = (await AttendanceAsync(site, cancellationToken)).Where(a => a.Session == session).ToList();
        if (attendance.Count == 0)
        {
            return null;
        }

        var exercises = await activity.GetSessionSummaryAsync(site, session, cancellationToken);
        var participants = attendance.Where(a => a.Attended).Select(a => a.Participant)
            .Concat(exercises.Select(e => e.Participant)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new CentralSessionReport(site, CentralSession.Of(attendance), participants, exercises);
    }

    private Task<IReadOnlyList<AttendanceRecord>> AttendanceAsync(string site, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), storeOptions.Value.GetTimeZone()).DateTime);
        return activity.GetAttendanceAsync(site, today.AddDays(-(int)options.Value.SessionHistory.TotalDays), today.AddDays(1), cancellationToken);
    }
}
