using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Movement.Store.Outbox;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ActivityRecord))]
internal sealed partial class OutboxJsonContext : JsonSerializerContext;

/// <summary>One queued record and its position in the outbox.</summary>
public sealed record OutboxEntry(long Sequence, ActivityRecord? Record, string? Error);

/// <summary>
/// The durable queue between the recorder and the store: a SQLite file (WAL, synchronous=FULL), so a record the
/// recorder has enqueued survives a crash and the broker may be acknowledged. Appends are group-committed. Entries leave in order, and only
/// after the store has them; entries the store refuses move to a dead-letter table, kept for inspection.
/// </summary>
public sealed class ActivityOutbox : IDisposable
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly List<PendingAppend> _pending = [];
    private readonly Histogram<int> _groupSize;
    private Task? _committer;
    private bool _initialised;

    public ActivityOutbox(IOptions<StoreOptions> options, IMeterFactory? meters = null)
        : this(options.Value.OutboxPath, meters)
    {
    }

    public ActivityOutbox(string path, IMeterFactory? meters = null)
    {
        var meter = meters?.Create("Movement.Store") ?? new Meter("Movement.Store");
        _groupSize = meter.CreateHistogram<int>("movement.store.outbox_group_size", "{append}", "Appends committed together in one outbox transaction");
        var fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = fullPath, Pooling = true }.ToString();
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = _initialised
            ? "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;"
            : """
              PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;
              CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, json TEXT NOT NULL);
              CREATE TABLE IF NOT EXISTS dead_letter (seq INTEGER PRIMARY KEY, json TEXT NOT NULL, reason TEXT NOT NULL);
              """;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        _initialised = true;
        return connection;
    }

    /// <summary>
    /// Appends records durably; when the returned task completes they survive a crash. Appends that arrive while a
    /// commit is in progress are grouped: the committer takes everything pending, writes it in one transaction (one
    /// fsync), then completes all of their tasks, so concurrent or back-to-back callers share the disk's flush.
    /// A failed commit fails every append of its group (each caller retries).
    /// </summary>
    public Task EnqueueAsync(IReadOnlyList<ActivityRecord> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return Task.CompletedTask;
        }

        var append = new PendingAppend(records);
        lock (_pending)
        {
            _pending.Add(append);
            if (_committer is null || _committer.IsCompleted)
            {
                // Run on the pool: Microsoft.Data.Sqlite's async calls complete synchronously, and the caller (the
                // recorder's message handler) must be free to hand over the next message while this group commits.
                _committer = Task.Run(CommitPendingAsync, CancellationToken.None);
            }
        }

        return append.Committed.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Commits groups until nothing is pending, then ends (the next append starts a new committer).</summary>
    private async Task CommitPendingAsync()
    {
        while (true)
        {
            List<PendingAppend> group;
            lock (_pending)
            {
                if (_pending.Count == 0)
                {
                    _committer = null;
                    return;
                }

                group = [.. _pending];
                _pending.Clear();
            }

            try
            {
                await CommitAsync(group).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                foreach (var append in group)
                {
                    append.Committed.TrySetException(ex);
                }

                continue;
            }

            _groupSize.Record(group.Count);
            foreach (var append in group)
            {
                append.Committed.TrySetResult();
            }

            Signal();
        }
    }

    private async Task CommitAsync(List<PendingAppend> group)
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            await using var connection = await OpenAsync(CancellationToken.None).ConfigureAwait(false);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync().ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO outbox (json) VALUES ($json)";
            var json = command.Parameters.Add("$json", SqliteType.Text);
            foreach (var record in group.SelectMany(append => append.Records))
            {
                json.Value = JsonSerializer.Serialize(record, OutboxJsonContext.Default.ActivityRecord);
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            }

            await transaction.CommitAsync().ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    private sealed record PendingAppend(IReadOnlyList<ActivityRecord> Records)
    {
        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The oldest entries, in order (at most <paramref name="max"/>). An entry that no longer parses carries an error.</summary>
    public async Task<IReadOnlyList<OutboxEntry>> PeekAsync(int max, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, json FROM outbox ORDER BY seq LIMIT $max";
        command.Parameters.AddWithValue("$max", max);
        var entries = new List<OutboxEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                entries.Add(new OutboxEntry(reader.GetInt64(0), JsonSerializer.Deserialize(reader.GetString(1), OutboxJsonContext.Default.ActivityRecord), null));
            }
            catch (JsonException ex)
            {
                entries.Add(new OutboxEntry(reader.GetInt64(0), null, $"outbox entry does not parse: {ex.Message}"));
            }
        }

        return entries;
    }

    /// <summary>Removes entries up to and including <paramref name="sequence"/> (they are in the store).</summary>
    public async Task DeleteThroughAsync(long sequence, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM outbox WHERE seq <= $seq";
            command.Parameters.AddWithValue("$seq", sequence);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Moves one entry the store refused to the dead-letter table, with the reason.</summary>
    public async Task DeadLetterAsync(long sequence, string reason, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT OR REPLACE INTO dead_letter (seq, json, reason) SELECT seq, json, $reason FROM outbox WHERE seq = $seq;
                DELETE FROM outbox WHERE seq = $seq;
                """;
            command.Parameters.AddWithValue("$seq", sequence);
            command.Parameters.AddWithValue("$reason", reason);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    public Task<long> CountAsync(CancellationToken cancellationToken) => ScalarAsync("SELECT COUNT(*) FROM outbox", cancellationToken);

    public Task<long> DeadLetterCountAsync(CancellationToken cancellationToken) => ScalarAsync("SELECT COUNT(*) FROM dead_letter", cancellationToken);

    private async Task<long> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Waits until something was enqueued since the last wait (returns at once if it already was).</summary>
    public Task WaitForWorkAsync(CancellationToken cancellationToken) => _signal.WaitAsync(cancellationToken);

    private void Signal()
    {
        try
        {
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already signalled by a concurrent enqueue.
        }
    }

    /// <summary>
    /// Waits for a running commit to finish, so its appends are on disk (or failed) before the file is released; at
    /// most Microsoft.Data.Sqlite's 30 s command timeout when another process holds the file's lock.
    /// </summary>
    public void Dispose()
    {
        Task? committer;
        lock (_pending)
        {
            committer = _committer;
        }

        committer?.GetAwaiter().GetResult();
        _signal.Dispose();
        _lock.Dispose();
    }
}
