using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Movement.Dashboard.Data;
using Movement.Protocol;

namespace Movement.Dashboard.Tests.Data;

/// <summary>The dashboard database's upgrade path (EF Core migrations) on real SQLite files.</summary>
public sealed class DashboardMigrationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("movement-dashboard-db-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private DashboardDbContext Open(string name) =>
        new(new DbContextOptionsBuilder<DashboardDbContext>().UseSqlite($"Data Source={Path.Combine(_directory, name)}").Options);

    [Fact]
    public async Task MigrateAsync_DatabaseMadeBeforeMigrations_UpgradesKeepingItsData()
    {
        // A database as the dashboard made it before migrations (EnsureCreated), with a supervisor's edits in it.
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(_directory, "old.db")}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Data", "dashboard-before-migrations.sql")) + """
                INSERT INTO "Cohorts" ("Id", "Name", "StartDate", "SessionsPlanned", "SessionsPerWeek") VALUES (7, 'Tuesday group', '2026-03-03', 12, 2);
                INSERT INTO "Stations" ("Id", "CohortId", "Station", "Order", "Exercise", "TargetReps", "TargetRomDeg", "RepsIncreasePerSession", "MaxReps")
                    VALUES (1, 7, 'station-1', 1, 'knee_extension', 10, 68.5, 1, 15), (2, 7, 'station-2', 2, 'squat', 10, 90, 1, 15), (3, 7, 'station-3', 3, 'step_up', 8, 40, 1, 15);
                INSERT INTO "Participants" ("Id", "DisplayName", "CohortId", "DefaultSensor", "DefaultPlacement", "DefaultSide", "DailyStepGoal")
                    VALUES ('p-k3x9', 'Participant A', 7, 'thingy-3', 'Thigh', 'Left', 5500);
                INSERT INTO "AspNetUsers" ("Id", "ParticipantId", "UserName", "NormalizedUserName", "EmailConfirmed", "PhoneNumberConfirmed", "TwoFactorEnabled", "LockoutEnabled", "AccessFailedCount")
                    VALUES ('u-1', 'p-k3x9', 'participant01', 'PARTICIPANT01', 0, 0, 0, 1, 0);
                INSERT INTO "Sessions" ("Id", "CohortId", "Number", "PlannedDate", "SessionKey") VALUES (3, 7, 1, '2026-03-03', 's-1-abc');
                INSERT INTO "SensorAssignments" ("Id", "SessionId", "ParticipantId", "Sensor", "Placement", "Side", "Station")
                    VALUES (1, 3, 'p-k3x9', 'thingy-3', 'Thigh', 'Left', 'station-1');
                """;
            await command.ExecuteNonQueryAsync();
        }

        await using (var db = Open("old.db"))
        {
            await DashboardDatabaseInitialiser.MigrateAsync(db, NullLogger.Instance, CancellationToken.None);
            await DashboardDatabaseInitialiser.MigrateAsync(db, NullLogger.Instance, CancellationToken.None); // a restart: nothing to do

            Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
            var cohort = await db.Cohorts.Include(c => c.Stations).Include(c => c.Participants).SingleAsync();
            Assert.Equal(("Tuesday group", new DateOnly(2026, 3, 3)), (cohort.Name, cohort.StartDate));
            // A target from before targets had a kind keeps the angle it was judged against: the counting segment's for
            // the exercises a segment counts, the knee's for the rest.
            Assert.Equal(
                [("knee_extension", 68.5, RomKind.Shank), ("squat", 90.0, RomKind.Knee), ("step_up", 40.0, RomKind.Thigh)],
                cohort.Stations.OrderBy(s => s.Order).Select(s => (s.Exercise, s.TargetRomDeg!.Value, s.TargetRomKind)));
            var participant = Assert.Single(cohort.Participants);
            Assert.Equal(("Participant A", "thingy-3", Placement.Thigh, Side.Left, 5500), (participant.DisplayName, participant.DefaultSensor, participant.DefaultPlacement, participant.DefaultSide, participant.DailyStepGoal));
            Assert.Null(participant.DefaultThighSensor);
            Assert.Equal("p-k3x9", (await db.Users.SingleAsync(u => u.NormalizedUserName == "PARTICIPANT01")).ParticipantId);
            var assignment = await db.SensorAssignments.SingleAsync();
            Assert.Equal((3, "p-k3x9", "thingy-3", Placement.Thigh, Side.Left), (assignment.SessionId, assignment.ParticipantId, assignment.Sensor, assignment.Placement, assignment.Side));

            // The participant can now wear a second sensor in that session (one per placement), not a second thigh one.
            db.SensorAssignments.Add(new SensorAssignment { SessionId = 3, ParticipantId = "p-k3x9", Sensor = "thingy-4", Placement = Placement.Shank, Side = Side.Left, Station = "station-1" });
            await db.SaveChangesAsync();
            db.SensorAssignments.Add(new SensorAssignment { SessionId = 3, ParticipantId = "p-k3x9", Sensor = "thingy-5", Placement = Placement.Thigh, Side = Side.Left, Station = "station-1" });
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();

            // Writable as before: the next cohort gets the next id.
            db.Cohorts.Add(new Cohort { Name = "Thursday group", StartDate = new DateOnly(2026, 3, 5) });
            await db.SaveChangesAsync();
            Assert.Equal([7, 8], await db.Cohorts.OrderBy(c => c.Id).Select(c => c.Id).ToListAsync());
        }

        // And its tables are those of a database the migrations create from nothing.
        await using var fresh = Open("new.db");
        await DashboardDatabaseInitialiser.MigrateAsync(fresh, NullLogger.Instance, CancellationToken.None);
        await using var upgraded = Open("old.db");
        Assert.Equal(await SchemaAsync(fresh), await SchemaAsync(upgraded));
    }

    [Fact]
    public async Task MigrateAsync_StepImports_KeepsTheTokensReportedIntervalsAndAllowsImportedOnes()
    {
        await using var db = Open("reported.db");
        await db.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>().MigrateAsync("DeviceTokensAndReportedSteps");
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO "DeviceTokens" ("Id", "ParticipantId", "Name", "TokenHash", "CreatedAt") VALUES (4, 'p-1', 'phone', 'abc', '2026-12-01 10:00:00+00:00');
            INSERT INTO "ReportedStepIntervals" ("ParticipantId", "DeviceTokenId", "StartUtcTicks", "EndUtcTicks", "Steps", "ReceivedAt")
                VALUES ('p-1', 4, 100, 200, 1500, '2026-12-01 10:00:00+00:00');
            """);

        await DashboardDatabaseInitialiser.MigrateAsync(db, NullLogger.Instance, CancellationToken.None);

        var kept = await db.ReportedStepIntervals.SingleAsync();
        Assert.Equal(("p-1", (int?)4, (int?)null, 1500L), (kept.ParticipantId, kept.DeviceTokenId, kept.StepImportSourceId, kept.Steps));
        db.StepImportSources.Add(new Movement.Dashboard.HomeSteps.StepImportSource { ParticipantId = "p-1", Format = "apple-health", SourceKey = "iPhone", Name = "iPhone" });
        await db.SaveChangesAsync();
        var source = await db.StepImportSources.SingleAsync();
        db.ReportedStepIntervals.Add(new Movement.Dashboard.HomeSteps.ReportedStepInterval { ParticipantId = "p-1", StepImportSourceId = source.Id, StartUtcTicks = 100, EndUtcTicks = 200, Steps = 900 });
        await db.SaveChangesAsync();
        // A row with both sources, or with none, is refused by the check constraint.
        db.ReportedStepIntervals.Add(new Movement.Dashboard.HomeSteps.ReportedStepInterval { ParticipantId = "p-1", DeviceTokenId = 4, StepImportSourceId = source.Id, StartUtcTicks = 300, EndUtcTicks = 400, Steps = 1 });
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        db.ChangeTracker.Clear();
        db.ReportedStepIntervals.Add(new Movement.Dashboard.HomeSteps.ReportedStepInterval { ParticipantId = "p-1", StartUtcTicks = 300, EndUtcTicks = 400, Steps = 1 });
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }

    /// <summary>Every column (table, name, type, not null, key) and index name, leaving out EF's and SQLite's own tables.</summary>
    private static async Task<List<string>> SchemaAsync(DashboardDbContext db) =>
        await db.Database.SqlQuery<string>($"""
            SELECT m.name || '.' || p.name || ' ' || p.type || ' ' || p."notnull" || ' ' || p.pk AS "Value"
            FROM sqlite_master m JOIN pragma_table_info(m.name) p
            WHERE m.type = 'table' AND m.name NOT LIKE '__EF%' AND m.name NOT LIKE 'sqlite_%'
            UNION ALL
            SELECT 'index ' || name FROM sqlite_master WHERE type = 'index' AND tbl_name NOT LIKE '__EF%' AND name NOT LIKE 'sqlite_%'
            ORDER BY 1
            """).ToListAsync();
}
