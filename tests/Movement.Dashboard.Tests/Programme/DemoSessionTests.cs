using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Movement.Dashboard.Data;
using Movement.Dashboard.Live;
using Movement.Dashboard.Programme;
using Movement.Motion.Sessions;
using Movement.Protocol;

namespace Movement.Dashboard.Tests.Programme;

/// <summary>
/// The single-box demo started again and again on the same data folder, as a user runs it. In the system
/// collection, so its three starts (each hashing the seeded passwords) do not load the machine while the browser
/// tests log in.
/// </summary>
[Trait("Category", "Integration")]
[Collection(SystemCollection.Name)]
public sealed class DemoSessionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("movement-demo-").FullName;

    private Dictionary<string, string?> Settings => new()
    {
        ["Movement:Dashboard:DemoSession"] = "true",
        ["Movement:Store:SqlitePath"] = Path.Combine(_directory, "movement.db"),
        ["Movement:Store:OutboxPath"] = Path.Combine(_directory, "outbox.db"),
        ["Movement:Dashboard:DatabasePath"] = Path.Combine(_directory, "dashboard.db"),
        ["Movement:Gateway:Queue:Directory"] = Path.Combine(_directory, "gateway-queue"),
        // A small class is enough to see which session runs.
        ["Movement:Dashboard:Seed:Participants"] = "2",
        ["Movement:Dashboard:Seed:PairedParticipants"] = "0",
        ["Movement:Gateway:Simulator:Sensors"] = "2",
        ["Movement:Gateway:Simulator:ThighSensors"] = "0",
    };

    [Fact]
    public async Task OnBrokerConnected_DemoStartedAgain_ResumesItsSessionAndStillRunsOneAfterAllTwelve()
    {
        string first;
        await using (var server = await DashboardServer.StartAsync(Settings))
        {
            var started = await RunningSessionAsync(server);
            first = started.SessionId;

            // A circuit class: the plan's five stations on the demo's timing, the group spread over them from the start.
            // Each station's target range goes out with what it is an angle of (knee extension's 50° is the shank's).
            Assert.Equal(DemoCircuit.Stations.Select(s => (s.Station, s.Exercise, s.TargetRomDeg, s.TargetRomKind)), started.Stations.Select(s => (s.Station, s.Exercise, s.TargetRomDeg, s.TargetRomKind)));
            Assert.Contains(started.Stations, s => s is { Exercise: ExerciseIds.KneeExtension, TargetRomDeg: 50, TargetRomKind: RomKind.Shank });
            Assert.Equal(DemoCircuit.StationTimeS, started.StationTimeS);
            Assert.Equal(DemoCircuit.ChangeoverS, started.ChangeoverS);
            Assert.Equal(["station-1", "station-2"], started.Roster.OrderBy(r => r.Sensor, StringComparer.Ordinal).Select(r => r.Station));

            // The session names its cohort by the site database's key and its number in the programme, never by the cohort's name.
            await using var scope = server.Services.CreateAsyncScope();
            var programmeSession = await scope.ServiceProvider.GetRequiredService<DashboardDbContext>().Sessions.Include(s => s.Cohort)
                .SingleAsync(s => s.SessionKey == started.SessionId);
            Assert.Equal((PseudonymousId.CohortReference(programmeSession.CohortId), programmeSession.Number, 12), (started.CohortId, started.SessionNumber, started.SessionsPlanned));
            Assert.Equal($"c-{programmeSession.CohortId}", started.CohortId);
            Assert.DoesNotContain(programmeSession.Cohort!.Name, System.Text.Encoding.UTF8.GetString(ProtocolJson.Encode(started)), StringComparison.Ordinal);
        }

        // Stopped without ending the session (the demo's usual end): the next start resumes it, not session 2.
        await using (var server = await DashboardServer.StartAsync(Settings))
        {
            Assert.Equal(first, (await RunningSessionAsync(server)).SessionId);

            // Every session of the cohort held and ended: the demo must still show a live class.
            await server.Services.GetRequiredService<SessionControl>().EndAsync(CancellationToken.None);
            await using var scope = server.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<DashboardDbContext>();
            foreach (var session in await db.Sessions.ToListAsync())
            {
                (session.StartedAt, session.EndedAt) = (session.StartedAt ?? DateTimeOffset.UnixEpoch, session.EndedAt ?? DateTimeOffset.UnixEpoch);
            }

            await db.SaveChangesAsync();
        }

        await using (var server = await DashboardServer.StartAsync(Settings))
        {
            var resumed = await RunningSessionAsync(server);
            await using var scope = server.Services.CreateAsyncScope();
            var last = await scope.ServiceProvider.GetRequiredService<DashboardDbContext>().Sessions.OrderByDescending(s => s.Number).FirstAsync();
            Assert.Equal(12, last.Number);
            Assert.Equal(last.SessionKey, resumed.SessionId);
            Assert.NotEmpty(resumed.Roster);
        }
    }

    /// <summary>The session the dashboard's live feed hears from the broker, once it is active (waits on its change signal).</summary>
    private static async Task<SessionState> RunningSessionAsync(DashboardServer server)
    {
        var live = server.Services.GetRequiredService<LiveGroupState>();
        var active = new TaskCompletionSource<SessionState>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check()
        {
            if (live.Session is { Active: true } session)
            {
                active.TrySetResult(session);
            }
        }

        live.Changed += Check;
        try
        {
            Check();
            return await active.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            live.Changed -= Check;
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
