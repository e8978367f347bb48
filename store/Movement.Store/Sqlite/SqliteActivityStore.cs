using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Movement.Protocol;
using Movement.Store.Steps;

namespace Movement.Store.Sqlite;

/// <summary>
/// The embedded default store: one SQLite file in WAL mode. Primary keys are the records' identities, so a record
/// written twice is stored once (events and readings: first write kept; corrections: the latest by time wins).
/// </summary>
public sealed class SqliteActivityStore : IActivityStore, IDisposable
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS activity_events (
            id TEXT PRIMARY KEY, type TEXT NOT NULL, site TEXT NOT NULL, participant TEXT NOT NULL, sensor TEXT NOT NULL,
            exercise TEXT, leg TEXT, session TEXT, time_us INTEGER NOT NULL, json TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS activity_events_participant ON activity_events (site, participant, type, time_us);
        CREATE INDEX IF NOT EXISTS activity_events_session ON activity_events (site, session, type);
        CREATE TABLE IF NOT EXISTS step_readings (
            site TEXT NOT NULL, sensor TEXT NOT NULL, time_us INTEGER NOT NULL, steps_total INTEGER NOT NULL,
            walking_time_ms INTEGER, cadence_spm REAL, PRIMARY KEY (site, sensor, time_us)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS manual_steps (
            site TEXT NOT NULL, participant TEXT NOT NULL, date TEXT NOT NULL, steps INTEGER NOT NULL, entered_us INTEGER NOT NULL,
            PRIMARY KEY (site, participant, date)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS device_assignments (
            site TEXT NOT NULL, sensor TEXT NOT NULL, from_us INTEGER NOT NULL, participant TEXT, leg TEXT,
            PRIMARY KEY (site, sensor, from_us)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS attendance (
            site TEXT NOT NULL, session TEXT NOT NULL, participant TEXT NOT NULL, session_us INTEGER NOT NULL, attended INTEGER NOT NULL,
            PRIMARY KEY (site, session, participant)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS outcomes (
            site TEXT NOT NULL, participant TEXT NOT NULL, measure TEXT NOT NULL, timepoint TEXT NOT NULL, value REAL NOT NULL,
            unit TEXT, time_us INTEGER NOT NULL, PRIMARY KEY (site, participant, measure, timepoint)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS raw_sample_batches (
            site TEXT NOT NULL, sensor TEXT NOT NULL, sequence INTEGER NOT NULL, first_us INTEGER NOT NULL, last_us INTEGER NOT NULL,
            sample_rate_hz REAL NOT NULL, has_gyro INTEGER NOT NULL, count INTEGER NOT NULL, payload BLOB NOT NULL,
            PRIMARY KEY (site, sensor, sequence, first_us));
        CREATE INDEX IF NOT EXISTS raw_sample_batches_time ON raw_sample_batches (site, sensor, first_us);
        """;

    /// <summary>
    /// Changes to a database created by an earlier version, in order: migration i brings PRAGMA user_version from i
    /// to i + 1. <see cref="Schema"/> stays the first version's tables, so every database goes through the same steps.
    /// </summary>
    private static readonly string[] Migrations =
    [
        // 1: the session's pseudonymous cohort reference (SessionState.cohort_id); rows from before read as no cohort.
        """
        ALTER TABLE attendance ADD COLUMN cohort TEXT;
        ALTER TABLE attendance ADD COLUMN session_number INTEGER;
        ALTER TABLE attendance ADD COLUMN sessions_planned INTEGER;
        CREATE INDEX IF NOT EXISTS attendance_cohort ON attendance (site, cohort);
        """,
    ];

    private readonly string _connectionString;
    private readonly TimeZoneInfo _zone;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private volatile bool _initialised;

    public SqliteActivityStore(IOptions<StoreOptions> options)
        : this(options.Value.SqlitePath, options.Value.GetTimeZone())
    {
    }

    public SqliteActivityStore(string path, TimeZoneInfo zone)
    {
        var fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = fullPath, Pooling = true }.ToString();
        _zone = zone;
    }

    internal static long ToMicros(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    internal static DateTimeOffset FromMicros(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * 10);

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA busy_timeout = 5000;";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (!_initialised)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = Schema;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await MigrateAsync(connection, cancellationToken).ConfigureAwait(false);
                _initialised = true;
            }
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return connection;
    }

    /// <summary>Applies the <see cref="Migrations"/> a database has not had yet, each with its version bump in one transaction.</summary>
    private static async Task MigrateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var read = connection.CreateCommand();
        read.CommandText = "PRAGMA user_version;";
        var version = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        for (; version < Migrations.Length; version++)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var migrate = connection.CreateCommand();
            migrate.Transaction = transaction;
            migrate.CommandText = $"{Migrations[version]}\nPRAGMA user_version = {version + 1};";
            await migrate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task WriteAsync(IReadOnlyList<ActivityRecord> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return;
        }

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            // One command per record type, reused, so SQLite parses each statement once per batch.
            var commands = new Dictionary<Type, SqliteCommand>();
            try
            {
                foreach (var record in records)
                {
                    if (!commands.TryGetValue(record.GetType(), out var command))
                    {
                        commands[record.GetType()] = command = connection.CreateCommand();
                        command.Transaction = transaction;
                    }

                    command.Parameters.Clear();
                    Bind(command, record);
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                foreach (var command in commands.Values)
                {
                    await command.DisposeAsync().ConfigureAwait(false);
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 5 or 6 or 10 or 13 or 14)
        {
            throw new StoreUnavailableException($"SQLite store unavailable: {ex.Message}", ex);
        }
        catch (SqliteException ex)
        {
            throw new StoreRejectedException($"SQLite store refused the records: {ex.Message}", ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static void Bind(SqliteCommand command, ActivityRecord record)
    {
        var p = command.Parameters;
        p.AddWithValue("$site", record.Site);
        switch (record)
        {
            case EventRecord { Event: var e } r:
                command.CommandText = """
                    INSERT OR IGNORE INTO activity_events (id, type, site, participant, sensor, exercise, leg, session, time_us, json)
                    VALUES ($id, $type, $site, $participant, $sensor, $exercise, $leg, $session, $time, $json)
                    """;
                p.AddWithValue("$id", e.Id);
                p.AddWithValue("$type", e.EventType);
                p.AddWithValue("$participant", e.Participant);
                p.AddWithValue("$sensor", e.Sensor);
                p.AddWithValue("$exercise", (object?)ExerciseOf(e) ?? DBNull.Value);
                p.AddWithValue("$leg", (object?)r.Leg ?? DBNull.Value);
                p.AddWithValue("$session", (object?)e.Session ?? DBNull.Value);
                p.AddWithValue("$time", ToMicros(e.Time));
                p.AddWithValue("$json", JsonSerializer.Serialize(e, ProtocolJsonContext.Default.MovementEvent));
                break;
            case StepReadingRecord { Reading: var reading }:
                command.CommandText = """
                    INSERT OR IGNORE INTO step_readings (site, sensor, time_us, steps_total, walking_time_ms, cadence_spm)
                    VALUES ($site, $sensor, $time, $steps, $walking, $cadence)
                    """;
                p.AddWithValue("$sensor", reading.Sensor);
                p.AddWithValue("$time", ToMicros(reading.Time));
                p.AddWithValue("$steps", reading.StepsTotal);
                p.AddWithValue("$walking", (object?)reading.WalkingTimeMs ?? DBNull.Value);
                p.AddWithValue("$cadence", (object?)reading.CadenceSpm ?? DBNull.Value);
                break;
            case ManualStepsRecord m:
                command.CommandText = """
                    INSERT OR REPLACE INTO manual_steps (site, participant, date, steps, entered_us)
                    VALUES ($site, $participant, $date, $steps, $entered)
                    """;
                p.AddWithValue("$participant", m.Participant);
                p.AddWithValue("$date", m.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
                p.AddWithValue("$steps", m.Steps);
                p.AddWithValue("$entered", ToMicros(m.EnteredAt));
                break;
            case DeviceAssignmentRecord d:
                command.CommandText = """
                    INSERT OR REPLACE INTO device_assignments (site, sensor, from_us, participant, leg)
                    VALUES ($site, $sensor, $from, $participant, $leg)
                    """;
                p.AddWithValue("$sensor", d.Sensor);
                p.AddWithValue("$from", ToMicros(d.From));
                p.AddWithValue("$participant", (object?)d.Participant ?? DBNull.Value);
                p.AddWithValue("$leg", (object?)d.Leg ?? DBNull.Value);
                break;
            case AttendanceRecord a:
                command.CommandText = """
                    INSERT INTO attendance (site, session, participant, session_us, attended, cohort, session_number, sessions_planned)
                    VALUES ($site, $session, $participant, $time, $attended, $cohort, $number, $planned)
                    ON CONFLICT DO UPDATE SET session_us = excluded.session_us, attended = excluded.attended,
                        cohort = coalesce(excluded.cohort, attendance.cohort),
                        session_number = coalesce(excluded.session_number, attendance.session_number),
                        sessions_planned = coalesce(excluded.sessions_planned, attendance.sessions_planned)
                    WHERE excluded.session_us >= attendance.session_us
                    """;
                p.AddWithValue("$session", a.Session);
                p.AddWithValue("$participant", a.Participant);
                p.AddWithValue("$time", ToMicros(a.SessionTime));
                p.AddWithValue("$attended", a.Attended ? 1 : 0);
                p.AddWithValue("$cohort", (object?)a.Cohort ?? DBNull.Value);
                p.AddWithValue("$number", (object?)a.SessionNumber ?? DBNull.Value);
                p.AddWithValue("$planned", (object?)a.SessionsPlanned ?? DBNull.Value);
                break;
            case OutcomeRecord o:
                command.CommandText = """
                    INSERT INTO outcomes (site, participant, measure, timepoint, value, unit, time_us)
                    VALUES ($site, $participant, $measure, $timepoint, $value, $unit, $time)
                    ON CONFLICT DO UPDATE SET value = excluded.value, unit = excluded.unit, time_us = excluded.time_us
                    WHERE excluded.time_us >= outcomes.time_us
                    """;
                p.AddWithValue("$participant", o.Participant);
                p.AddWithValue("$measure", o.Measure);
                p.AddWithValue("$timepoint", o.Timepoint);
                p.AddWithValue("$value", o.Value);
                p.AddWithValue("$unit", (object?)o.Unit ?? DBNull.Value);
                p.AddWithValue("$time", ToMicros(o.Time));
                break;
            case RawSampleBatchRecord raw:
                var batch = raw.Decode();
                command.CommandText = """
                    INSERT OR IGNORE INTO raw_sample_batches (site, sensor, sequence, first_us, last_us, sample_rate_hz, has_gyro, count, payload)
                    VALUES ($site, $sensor, $sequence, $first, $last, $rate, $gyro, $count, $payload)
                    """;
                p.AddWithValue("$sensor", raw.Sensor);
                p.AddWithValue("$sequence", (long)batch.Sequence);
                p.AddWithValue("$first", batch.FirstTimestampUs);
                p.AddWithValue("$last", batch.Samples[^1].TimestampUs);
                p.AddWithValue("$rate", batch.SampleRateHz);
                p.AddWithValue("$gyro", batch.HasGyro ? 1 : 0);
                p.AddWithValue("$count", batch.Samples.Length);
                p.AddWithValue("$payload", raw.Payload);
                break;
            default:
                throw new StoreRejectedException($"unknown record type {record.GetType().Name}");
        }
    }

    internal static string? ExerciseOf(MovementEvent e) => e switch
    {
        RepEvent r => r.Exercise,
        FormFlagEvent f => f.Exercise,
        SetSummaryEvent s => s.Exercise,
        ExerciseChangeEvent c => c.To,
        _ => null,
    };

    public async Task<IReadOnlyList<DailySteps>> GetDailyStepsAsync(string site, string participant, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var start = ToMicros(DailyStepCalculator.DayStartUtc(from, _zone));
        var end = ToMicros(DailyStepCalculator.DayStartUtc(to.AddDays(1), _zone));
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

        var assignments = new Dictionary<string, List<SensorAssignment>>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT sensor, from_us, participant FROM device_assignments
                WHERE site = $site AND sensor IN (SELECT sensor FROM device_assignments WHERE site = $site AND participant = $participant)
                """;
            command.Parameters.AddWithValue("$site", site);
            command.Parameters.AddWithValue("$participant", participant);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var sensor = reader.GetString(0);
                if (!assignments.TryGetValue(sensor, out var list))
                {
                    assignments[sensor] = list = [];
                }

                list.Add(new SensorAssignment(FromMicros(reader.GetInt64(1)), reader.IsDBNull(2) ? null : reader.GetString(2)));
            }
        }

        var readings = new Dictionary<string, IReadOnlyList<CounterReading>>();
        foreach (var sensor in assignments.Keys)
        {
            var list = new List<CounterReading>();
            await using var command = connection.CreateCommand();
            // The range, plus the last reading before it and the first after it (intervals crossing the range edges).
            command.CommandText = """
                SELECT time_us, steps_total FROM step_readings WHERE site = $site AND sensor = $sensor AND time_us >= $start AND time_us < $end
                UNION ALL SELECT * FROM (SELECT time_us, steps_total FROM step_readings WHERE site = $site AND sensor = $sensor AND time_us < $start ORDER BY time_us DESC LIMIT 1)
                UNION ALL SELECT * FROM (SELECT time_us, steps_total FROM step_readings WHERE site = $site AND sensor = $sensor AND time_us >= $end ORDER BY time_us LIMIT 1)
                """;
            command.Parameters.AddWithValue("$site", site);
            command.Parameters.AddWithValue("$sensor", sensor);
            command.Parameters.AddWithValue("$start", start);
            command.Parameters.AddWithValue("$end", end);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                list.Add(new CounterReading(FromMicros(reader.GetInt64(0)), reader.GetInt64(1)));
            }

            readings[sensor] = list;
        }

        var manual = new Dictionary<DateOnly, long>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT date, steps FROM manual_steps WHERE site = $site AND participant = $participant AND date >= $from AND date <= $to";
            command.Parameters.AddWithValue("$site", site);
            command.Parameters.AddWithValue("$participant", participant);
            command.Parameters.AddWithValue("$from", from.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            command.Parameters.AddWithValue("$to", to.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                manual[DateOnly.ParseExact(reader.GetString(0), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)] = reader.GetInt64(1);
            }
        }

        return DailyStepCalculator.Compute(participant, readings,
            assignments.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<SensorAssignment>)kv.Value), manual, from, to, _zone);
    }

    public async Task<IReadOnlyList<RepSummary>> GetRepsAsync(string site, string participant, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT json, leg FROM activity_events
            WHERE site = $site AND participant = $participant AND type = 'rep' AND time_us >= $from AND time_us < $to ORDER BY time_us, id
            """;
        command.Parameters.AddWithValue("$site", site);
        command.Parameters.AddWithValue("$participant", participant);
        command.Parameters.AddWithValue("$from", ToMicros(from));
        command.Parameters.AddWithValue("$to", ToMicros(to));
        var reps = new List<RepSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (JsonSerializer.Deserialize(reader.GetString(0), ProtocolJsonContext.Default.MovementEvent) is RepEvent rep)
            {
                reps.Add(new RepSummary(rep.Id, rep.Time, rep.Participant, rep.Sensor, rep.Exercise, reader.IsDBNull(1) ? null : reader.GetString(1),
                    rep.Session, rep.SetNumber, rep.RepNumber, rep.RomDeg, rep.DurationS));
            }
        }

        return reps;
    }

    public async Task<IReadOnlyList<SessionExerciseSummary>> GetSessionSummaryAsync(string site, string session, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<(string Participant, string Exercise, int Sets, int Reps, double MeanRom, string? RomKind)>();
        await using (var command = connection.CreateCommand())
        {
            // The angle kind only when every rep has the same one (COUNT skips reps without it).
            command.CommandText = """
                SELECT participant, exercise, COUNT(DISTINCT json_extract(json, '$.set_number')), COUNT(*), AVG(json_extract(json, '$.rom_deg')),
                    CASE WHEN COUNT(json_extract(json, '$.rom_kind')) = COUNT(*) AND COUNT(DISTINCT json_extract(json, '$.rom_kind')) = 1
                        THEN MAX(json_extract(json, '$.rom_kind')) END
                FROM activity_events WHERE site = $site AND session = $session AND type = 'rep'
                GROUP BY participant, exercise ORDER BY participant, exercise
                """;
            command.Parameters.AddWithValue("$site", site);
            command.Parameters.AddWithValue("$session", session);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetDouble(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
            }
        }

        var flags = new Dictionary<(string, string), Dictionary<string, int>>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT participant, exercise, json_extract(json, '$.flag.flag'), COUNT(*)
                FROM activity_events WHERE site = $site AND session = $session AND type = 'form_flag'
                GROUP BY participant, exercise, json_extract(json, '$.flag.flag')
                """;
            command.Parameters.AddWithValue("$site", site);
            command.Parameters.AddWithValue("$session", session);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var key = (reader.GetString(0), reader.GetString(1));
                if (!flags.TryGetValue(key, out var counts))
                {
                    flags[key] = counts = [];
                }

                counts[reader.GetString(2)] = reader.GetInt32(3);
            }
        }

        return SessionSummaries.Combine(rows, flags);
    }

    public async Task<IReadOnlyList<AttendanceRecord>> GetAttendanceAsync(string site, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT session, participant, session_us, attended, cohort, session_number, sessions_planned FROM attendance
            WHERE site = $site AND session_us >= $start AND session_us < $end ORDER BY session_us, session, participant
            """;
        command.Parameters.AddWithValue("$site", site);
        command.Parameters.AddWithValue("$start", ToMicros(DailyStepCalculator.DayStartUtc(from, _zone)));
        command.Parameters.AddWithValue("$end", ToMicros(DailyStepCalculator.DayStartUtc(to.AddDays(1), _zone)));
        var list = new List<AttendanceRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new AttendanceRecord(site, reader.GetString(0), reader.GetString(1), FromMicros(reader.GetInt64(2)), reader.GetInt64(3) != 0,
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetInt32(6)));
        }

        return list;
    }

    public async Task<IReadOnlyList<OutcomeRecord>> GetOutcomesAsync(string site, string participant, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT measure, timepoint, value, unit, time_us FROM outcomes
            WHERE site = $site AND participant = $participant ORDER BY time_us, measure, timepoint
            """;
        command.Parameters.AddWithValue("$site", site);
        command.Parameters.AddWithValue("$participant", participant);
        var list = new List<OutcomeRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new OutcomeRecord(site, participant, reader.GetString(0), reader.GetString(1), reader.GetDouble(2),
                FromMicros(reader.GetInt64(4)), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return list;
    }

    public async Task<IReadOnlyList<ImuSample>> GetRawSamplesAsync(string site, string sensor, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var start = ToMicros(from);
        var end = ToMicros(to);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT payload FROM raw_sample_batches
            WHERE site = $site AND sensor = $sensor AND first_us < $end AND last_us >= $start ORDER BY first_us, sequence
            """;
        command.Parameters.AddWithValue("$site", site);
        command.Parameters.AddWithValue("$sensor", sensor);
        command.Parameters.AddWithValue("$start", start);
        command.Parameters.AddWithValue("$end", end);
        // Keyed by time: overlapping batches (e.g. a gateway restart re-sending with a new sequence) count each sample once.
        var samples = new SortedDictionary<long, ImuSample>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var batch = new RawSampleBatchRecord(site, sensor, (byte[])reader.GetValue(0)).Decode();
            foreach (var sample in batch.Samples)
            {
                if (sample.TimestampUs >= start && sample.TimestampUs < end)
                {
                    samples.TryAdd(sample.TimestampUs, sample);
                }
            }
        }

        return [.. samples.Values];
    }

    public void Dispose() => _writeLock.Dispose();
}
