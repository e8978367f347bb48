using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Options;
using Movement.Motion.Sessions;
using Movement.Protocol;
using Movement.Store;

namespace Movement.Dashboard.Data;

/// <summary>Creates or upgrades the dashboard database and, when <see cref="SeedOptions.Enabled"/>, the demo accounts and cohort.</summary>
public sealed partial class DashboardDatabaseInitialiser(
    IServiceProvider services, IOptions<SeedOptions> seed, IOptions<SimulatedSensorIds> simulatedSensors, IOptions<DashboardOptions> dashboard, IActivityStore activity, TimeProvider time, IHostEnvironment environment, ILogger<DashboardDatabaseInitialiser> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DashboardDbContext>();
        await MigrateAsync(db, logger, cancellationToken);
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in new[] { Roles.Supervisor, Roles.Participant })
        {
            if (!await roles.RoleExistsAsync(role))
            {
                Check(await roles.CreateAsync(new IdentityRole(role)), role);
            }
        }

        var options = seed.Value;
        if (options.Enabled && !environment.IsDevelopment())
        {
            // Loud on purpose: the demo accounts' passwords are published in appsettings.json.
            LogDemoAccountsOutsideDevelopment(logger, environment.EnvironmentName);
        }

        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        if (!options.Enabled || await users.FindByNameAsync(options.SupervisorUserName) is not null)
        {
            return;
        }

        var supervisor = new DashboardUser { UserName = options.SupervisorUserName };
        Check(await users.CreateAsync(supervisor, options.SupervisorPassword!), options.SupervisorUserName);
        Check(await users.AddToRoleAsync(supervisor, Roles.Supervisor), options.SupervisorUserName);

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var cohort = NewEscapePainCohort("Demo cohort", today);
        db.Cohorts.Add(cohort);
        await db.SaveChangesAsync(cancellationToken);

        var sensors = simulatedSensors.Value;
        for (var i = 0; i < options.Participants; i++)
        {
            var participant = new Participant
            {
                Id = PseudonymousId.NewParticipantId(),
                DisplayName = $"Demo participant {i + 1}",
                CohortId = cohort.Id,
                DefaultSensor = sensors.SensorId(i),
                DefaultThighSensor = i < options.PairedParticipants ? sensors.ThighSensorId(i) : null,
                StepSensor = sensors.SensorId(i),
                DailyStepGoal = options.DailyStepGoal,
            };
            db.Participants.Add(participant);
            var userName = $"{options.ParticipantUserNamePrefix}{i + 1:D2}";
            var user = new DashboardUser { UserName = userName, ParticipantId = participant.Id };
            Check(await users.CreateAsync(user, options.ParticipantPassword!), userName);
            Check(await users.AddToRoleAsync(user, Roles.Participant), userName);
        }

        await db.SaveChangesAsync(cancellationToken);

        // Each demo participant also counts steps with their sensor from now on.
        var site = dashboard.Value.Site;
        await activity.WriteAsync(
            await db.Participants.Where(p => p.StepSensor != null).Select(p => (ActivityRecord)new DeviceAssignmentRecord(site, p.StepSensor!, p.Id, time.GetUtcNow(), null)).ToListAsync(cancellationToken),
            cancellationToken);
        LogSeeded(logger, options.SupervisorUserName, options.Participants, options.ParticipantUserNamePrefix, options.PairedParticipants);
    }

    /// <summary>
    /// Brings the database to the newest migration (Data/Migrations), creating it if it is new. A database made
    /// before there were migrations (by EnsureCreated) has the initial migration's tables but no history: that
    /// migration is recorded as applied, and the later ones then upgrade it like any other.
    /// </summary>
    public static async Task MigrateAsync(DashboardDbContext db, ILogger logger, CancellationToken cancellationToken)
    {
        var history = db.GetService<IHistoryRepository>();
        if (!await history.ExistsAsync(cancellationToken) && await HasTableAsync(db, "AspNetUsers", cancellationToken))
        {
            var initial = db.Database.GetMigrations().First();
            await db.Database.ExecuteSqlRawAsync(history.GetCreateIfNotExistsScript(), cancellationToken);
            await db.Database.ExecuteSqlRawAsync(history.GetInsertScript(new HistoryRow(initial, ProductInfo.GetVersion())), cancellationToken);
            LogBaselined(logger, initial);
        }

        await db.Database.MigrateAsync(cancellationToken);
    }

    private static async Task<bool> HasTableAsync(DashboardDbContext db, string table, CancellationToken cancellationToken) =>
        await db.Database.SqlQuery<int>($"SELECT count(*) AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name = {table}").SingleAsync(cancellationToken) > 0;

    /// <summary>
    /// 12 sessions, twice weekly (days 0 and 3 of each week) for 6 weeks, and the demo's five-station leg circuit
    /// (<see cref="DemoCircuit"/>: its first-session targets, chosen to fit the simulated class, docs/motion-model.md),
    /// one more rep per set each session.
    /// </summary>
    public static Cohort NewEscapePainCohort(string name, DateOnly start) => new()
    {
        Name = name,
        StartDate = start,
        SessionsPlanned = 12,
        SessionsPerWeek = 2,
        Stations = [.. DemoCircuit.Stations.Select((s, i) => new CircuitStation
        {
            Station = s.Station,
            Order = i + 1,
            Exercise = s.Exercise,
            TargetReps = s.TargetReps,
            TargetRomDeg = s.TargetRomDeg,
            TargetRomKind = s.TargetRomKind,
            RepsIncreasePerSession = 1,
            MaxReps = 15,
        })],
        Sessions = Enumerable.Range(1, 12).Select(n => new ProgrammeSession
        {
            Number = n,
            PlannedDate = start.AddDays(((n - 1) / 2 * 7) + ((n - 1) % 2 * 3)),
            SessionKey = PseudonymousId.NewSessionKey(n),
        }).ToList(),
    };

    private static void Check(IdentityResult result, string who)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not create '{who}': {string.Join("; ", result.Errors.Select(e => e.Description))}");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "The dashboard database predates migrations: recorded it as at migration {Migration}")]
    private static partial void LogBaselined(ILogger logger, string migration);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DEMO ACCOUNTS ARE ON in the {Environment} environment: anyone who has read appsettings.json can sign in as the demo supervisor and participants. For real use set Movement:Dashboard:Seed:Enabled=false, or change the seeded passwords (docs/dashboard.md)")]
    private static partial void LogDemoAccountsOutsideDevelopment(ILogger logger, string environment);

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded demo supervisor '{Supervisor}' and {Count} participants ({Prefix}01...; the first {Paired} with a thigh + shank pair) with the configured passwords")]
    private static partial void LogSeeded(ILogger logger, string supervisor, int count, string prefix, int paired);
}
