using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Movement.Protocol;

namespace Movement.Store.Sqlite;

/// <summary>The embedded default store: one SQLite file, WAL mode, primary keys give idempotent writes.</summary>
public sealed class SqliteActivityStore : IActivityStore, IDisposable
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private bool _initialised;

    public SqliteActivityStore(IOptions<StoreOptions> options)
    {
        var path = Path.GetFullPath(options.Value.SqlitePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (!_initialised)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE IF NOT EXISTS events (
                    id TEXT PRIMARY KEY, type TEXT NOT NULL, site TEXT NOT NULL, participant TEXT NOT NULL,
                    sensor TEXT NOT NULL, time_us INTEGER NOT NULL, json TEXT NOT NULL);
                CREATE INDEX IF NOT EXISTS events_participant_time ON events (site, participant, time_us);
                CREATE TABLE IF NOT EXISTS step_readings (
                    site TEXT NOT NULL, sensor TEXT NOT NULL, time_us INTEGER NOT NULL, steps_total INTEGER NOT NULL,
                    PRIMARY KEY (site, sensor, time_us));
                """;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            _initialised = true;
        }

        return connection;
    }

    public async Task WriteEventAsync(MovementEvent movementEvent, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT OR IGNORE INTO events (id, type, site, participant, sensor, time_us, json) VALUES ($id, $type, $site, $participant, $sensor, $time, $json)";
            command.Parameters.AddWithValue("$id", movementEvent.Id);
            command.Parameters.AddWithValue("$type", movementEvent.EventType);
            command.Parameters.AddWithValue("$site", movementEvent.Site);
            command.Parameters.AddWithValue("$participant", movementEvent.Participant);
            command.Parameters.AddWithValue("$sensor", movementEvent.Sensor);
            command.Parameters.AddWithValue("$time", movementEvent.Time.ToUnixTimeMilliseconds() * 1000);
            command.Parameters.AddWithValue("$json", JsonSerializer.Serialize(movementEvent, ProtocolJsonContext.Default.MovementEvent));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task WriteStepReadingAsync(string site, StepReading reading, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT OR IGNORE INTO step_readings (site, sensor, time_us, steps_total) VALUES ($site, $sensor, $time, $steps)";
            command.Parameters.AddWithValue("$site", site);
            command.Parameters.AddWithValue("$sensor", reading.Sensor);
            command.Parameters.AddWithValue("$time", reading.Time.ToUnixTimeMilliseconds() * 1000);
            command.Parameters.AddWithValue("$steps", reading.StepsTotal);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<IReadOnlyList<RepEvent>> GetRepsAsync(string site, string participant, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT json FROM events WHERE site = $site AND participant = $participant AND type = 'rep' AND time_us >= $from AND time_us < $to ORDER BY time_us";
        command.Parameters.AddWithValue("$site", site);
        command.Parameters.AddWithValue("$participant", participant);
        command.Parameters.AddWithValue("$from", from.ToUnixTimeMilliseconds() * 1000);
        command.Parameters.AddWithValue("$to", to.ToUnixTimeMilliseconds() * 1000);
        var reps = new List<RepEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (JsonSerializer.Deserialize(reader.GetString(0), ProtocolJsonContext.Default.MovementEvent) is RepEvent rep)
            {
                reps.Add(rep);
            }
        }

        return reps;
    }

    public void Dispose() => _writeLock.Dispose();
}
