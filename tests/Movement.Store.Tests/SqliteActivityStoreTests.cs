using Movement.Store.Sqlite;

namespace Movement.Store.Tests;

/// <summary>The contract suite against the embedded SQLite backend (a real database file per test class).</summary>
public sealed class SqliteActivityStoreTests : ActivityStoreContractTests, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("movement-store-sqlite-").FullName;
    private readonly List<SqliteActivityStore> _stores = [];

    protected override IActivityStore CreateStore(TimeZoneInfo zone)
    {
        var store = new SqliteActivityStore(Path.Combine(_directory, "activity.db"), zone);
        _stores.Add(store);
        return store;
    }

    [Fact]
    public async Task GetAttendanceAsync_DatabaseFromBeforeCohorts_MigratedAndOldRowsReadAsNoCohort()
    {
        var path = Path.Combine(_directory, "before-cohorts.db");
        var t = new DateTimeOffset(2026, 5, 12, 9, 0, 0, TimeSpan.Zero);
        // The attendance table as the first schema made it, with a row recorded then.
        using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}"))
        {
            old.Open();
            using var create = old.CreateCommand();
            create.CommandText = $"""
                CREATE TABLE attendance (
                    site TEXT NOT NULL, session TEXT NOT NULL, participant TEXT NOT NULL, session_us INTEGER NOT NULL, attended INTEGER NOT NULL,
                    PRIMARY KEY (site, session, participant)) WITHOUT ROWID;
                INSERT INTO attendance VALUES ('site-1', 'session-old', 'p1', {t.ToUnixTimeMilliseconds() * 1000}, 1);
                """;
            create.ExecuteNonQuery();
        }

        var store = new SqliteActivityStore(path, TimeZoneInfo.Utc);
        _stores.Add(store);
        await store.WriteAsync([new AttendanceRecord("site-1", "session-new", "p1", t.AddDays(1), Cohort: "c-1", SessionNumber: 1)], CancellationToken.None);

        var attendance = await store.GetAttendanceAsync("site-1", DateOnly.FromDateTime(t.UtcDateTime), DateOnly.FromDateTime(t.UtcDateTime).AddDays(1), CancellationToken.None);

        Assert.Equal(
        [
            new AttendanceRecord("site-1", "session-old", "p1", t),
            new AttendanceRecord("site-1", "session-new", "p1", t.AddDays(1), Cohort: "c-1", SessionNumber: 1),
        ], attendance);
    }

    public void Dispose()
    {
        _stores.ForEach(s => s.Dispose());
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
