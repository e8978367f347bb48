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

    public void Dispose()
    {
        _stores.ForEach(s => s.Dispose());
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
