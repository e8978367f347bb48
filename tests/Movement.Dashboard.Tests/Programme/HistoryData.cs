using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Movement.Dashboard.Data;
using Movement.Protocol;
using Movement.Store;

namespace Movement.Dashboard.Tests.Programme;

/// <summary>
/// A known class for one participant in the running system: the seeded cohort's last session marked held, with their
/// attendance, reps and flags written to the store as the recorder writes them. Writing again stores nothing new.
/// </summary>
internal static class HistoryData
{
    public const int SessionNumber = 12;
    public const string Site = "site-1";

    /// <summary>Knee extensions: 3 reps of set 1, ranges 60, 70, 80 (mean 70); two partial_range flags.</summary>
    public static readonly double[] KneeExtensionRomDeg = [60, 70, 80];

    /// <summary>Sit-to-stands of 2 s, one ending every 4 s: eight end within 30 s of the first one's start, then two more.</summary>
    public const int SitToStands = 10;
    public const int ChairStandsIn30S = 8;

    public static async Task<ProgrammeSession> SeedAsync(DashboardServer server, string participant)
    {
        ProgrammeSession session;
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DashboardDbContext>();
            var cohortId = await db.Participants.Where(p => p.Id == participant).Select(p => p.CohortId).SingleAsync();
            session = await db.Sessions.SingleAsync(s => s.CohortId == cohortId && s.Number == SessionNumber);
            session.StartedAt ??= DateTimeOffset.UtcNow.AddHours(-2);
            session.EndedAt ??= session.StartedAt.Value.AddHours(1);
            await db.SaveChangesAsync();
        }

        var start = session.StartedAt!.Value.AddMinutes(5);
        var records = new List<ActivityRecord> { new AttendanceRecord(Site, session.SessionKey, participant, session.StartedAt.Value) };
        for (var i = 0; i < KneeExtensionRomDeg.Length; i++)
        {
            records.Add(new EventRecord(Site, Rep(participant, session.SessionKey, $"{participant}-ke-{i}", start.AddSeconds(5 * (i + 1)), ExerciseIds.KneeExtension, i + 1, KneeExtensionRomDeg[i])));
        }

        for (var i = 0; i < 2; i++)
        {
            records.Add(new EventRecord(Site, new FormFlagEvent
            {
                Id = $"{participant}-flag-{i}", Site = Site, Participant = participant, Sensor = "sim-x", Time = start.AddSeconds(5 * (i + 1)),
                Session = session.SessionKey, RepId = $"{participant}-ke-{i}", Exercise = ExerciseIds.KneeExtension,
                Flag = new FormFlag("partial_range", 60, 72, "deg", "partial range: 60° of 90°"),
            }));
        }

        var standStart = start.AddMinutes(5);
        for (var i = 0; i < SitToStands; i++)
        {
            // Rep k (0-based) ends 2 + 4k s after the first one starts: k = 0..7 end by 30 s.
            records.Add(new EventRecord(Site, Rep(participant, session.SessionKey, $"{participant}-sts-{i}", standStart.AddSeconds(2 + (4 * i)), ExerciseIds.SitToStand, i + 1, 95)));
        }

        await server.Services.GetRequiredService<IActivityStore>().WriteAsync(records, CancellationToken.None);
        return session;
    }

    private static RepEvent Rep(string participant, string session, string id, DateTimeOffset time, string exercise, int rep, double romDeg) => new()
    {
        Id = id, Site = Site, Participant = participant, Sensor = "sim-x", Time = time, Session = session,
        Exercise = exercise, SetNumber = 1, RepNumber = rep, StartTime = time.AddSeconds(-2), DurationS = 2, RomDeg = romDeg, RomKind = RomKind.Shank,
    };
}
