using System.Globalization;
using InfluxDB.Client;
using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Core.Exceptions;
using InfluxDB.Client.Writes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Movement.Protocol;
using Movement.Store.Steps;

namespace Movement.Store.InfluxDb;

/// <summary>
/// InfluxDB backend. Writes line protocol with InfluxDB.Client's async write API to <c>/api/v2/write</c> in batches of
/// <see cref="InfluxDbOptions.BatchSize"/>; the outbox drainer retries failed batches with backoff (the client's own
/// background batching API cannot tell us which points made it, and the outbox must delete only what was written).
/// Reads are InfluxQL over <c>/query</c>. Point identity (measurement + tags + exact nanosecond time) makes a re-written
/// record overwrite itself; the schema is in docs/storage.md.
/// </summary>
public sealed partial class InfluxDbActivityStore : IActivityStore, IDisposable
{
    private readonly InfluxDbOptions _options;
    private readonly TimeZoneInfo _zone;
    private readonly ILogger _logger;
    private readonly InfluxDBClient _client;
    private readonly WriteApiAsync _writeApi;
    private readonly InfluxQlClient _query;
    private readonly SemaphoreSlim _ensureLock = new(1, 1);
    private bool _databaseReady;

    public InfluxDbActivityStore(IOptions<StoreOptions> options, ILogger<InfluxDbActivityStore> logger)
        : this(options.Value.InfluxDb, options.Value.GetTimeZone(), logger)
    {
    }

    public InfluxDbActivityStore(InfluxDbOptions options, TimeZoneInfo zone, ILogger logger)
    {
        _options = options;
        _zone = zone;
        _logger = logger;
        var clientOptions = new InfluxDBClientOptions(options.Url!.ToString())
        {
            Timeout = options.Timeout,
            Bucket = options.WriteBucket,
            Org = options.WriteOrg,
        };
        if (!string.IsNullOrEmpty(options.Token))
        {
            clientOptions.Token = options.Token;
        }

        _client = new InfluxDBClient(clientOptions);
        _writeApi = _client.GetWriteApiAsync();
        _query = new InfluxQlClient(options);
        _databaseReady = !options.CreateDatabase;
        LogCreated(_logger, options);
    }

    public async Task WriteAsync(IReadOnlyList<ActivityRecord> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return;
        }

        await EnsureDatabaseAsync(cancellationToken).ConfigureAwait(false);
        var points = new List<PointData>(records.Count);
        foreach (var record in records)
        {
            points.AddRange(ToPoints(record));
        }

        foreach (var chunk in points.Chunk(_options.BatchSize))
        {
            try
            {
                await _writeApi.WritePointsAsync(chunk, _options.WriteBucket, _options.WriteOrg, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpException ex) when (ex.Status is 400 or 413 or 422)
            {
                throw new StoreRejectedException($"InfluxDB refused {chunk.Length} points ({ex.Status}): {ex.Message}", ex);
            }
            catch (HttpException ex) when (ex.Status == 404)
            {
                _databaseReady = !_options.CreateDatabase;
                throw new StoreUnavailableException($"InfluxDB database/bucket '{_options.WriteBucket}' not found: {ex.Message}", ex);
            }
            catch (Exception ex) when (ex is InfluxException or HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new StoreUnavailableException($"InfluxDB write failed: {ex.Message}", ex);
            }
        }
    }

    private async Task EnsureDatabaseAsync(CancellationToken cancellationToken)
    {
        if (_databaseReady)
        {
            return;
        }

        await _ensureLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_databaseReady)
            {
                try
                {
                    // Idempotent on 1.x; 2.x/3.x refuse it (buckets are managed there), which is fine.
                    await _query.ExecuteAsync($"CREATE DATABASE \"{_options.Database}\"", cancellationToken).ConfigureAwait(false);
                }
                catch (StoreRejectedException ex)
                {
                    LogCreateDatabaseRefused(_logger, _options.Database, ex.Message);
                }

                _databaseReady = true;
            }
        }
        finally
        {
            _ensureLock.Release();
        }
    }

    internal static IEnumerable<PointData> ToPoints(ActivityRecord record)
    {
        switch (record)
        {
            case EventRecord { Event: var e } r:
                yield return EventPoint(record.Site, e, r.Leg);
                break;
            case StepReadingRecord { Reading: var reading }:
                var point = PointData.Measurement(Measurements.StepReading)
                    .Tag("site", record.Site).Tag("sensor", reading.Sensor)
                    .Field("steps_total", reading.StepsTotal)
                    .Timestamp(reading.Time, WritePrecision.Ns);
                if (reading.WalkingTimeMs is { } walking)
                {
                    point = point.Field("walking_time_ms", walking);
                }

                if (reading.CadenceSpm is { } cadence)
                {
                    point = point.Field("cadence_spm", cadence);
                }

                yield return point;
                break;
            case ManualStepsRecord m:
                // Timestamp = the date's midnight UTC, so a later entry for the same day overwrites the earlier one.
                yield return PointData.Measurement(Measurements.ManualSteps)
                    .Tag("site", m.Site).Tag("participant", m.Participant)
                    .Field("steps", m.Steps)
                    .Field("date", m.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
                    .Field("entered_at_ms", m.EnteredAt.ToUnixTimeMilliseconds())
                    .Timestamp(ManualStepsTime(m.Date), WritePrecision.Ns);
                break;
            case DeviceAssignmentRecord d:
                yield return PointData.Measurement(Measurements.DeviceAssignment)
                    .Tag("site", d.Site).Tag("sensor", d.Sensor)
                    .Field("participant", d.Participant ?? "")
                    .Field("leg", d.Leg ?? "")
                    .Timestamp(d.From, WritePrecision.Ns);
                break;
            case AttendanceRecord a:
                var attendance = PointData.Measurement(Measurements.Attendance)
                    .Tag("site", a.Site).Tag("session", a.Session).Tag("participant", a.Participant)
                    .Field("attended", a.Attended)
                    .Timestamp(a.SessionTime, WritePrecision.Ns);
                // The cohort reference as fields, not tags: the series (session, participant) stays the record's
                // identity, and a rewrite without them leaves those of the same point as they were.
                attendance = a.Cohort is null ? attendance : attendance.Field("cohort", a.Cohort);
                attendance = a.SessionNumber is not { } number ? attendance : attendance.Field("session_number", number);
                yield return a.SessionsPlanned is not { } planned ? attendance : attendance.Field("sessions_planned", planned);
                break;
            case OutcomeRecord o:
                yield return PointData.Measurement(Measurements.Outcome)
                    .Tag("site", o.Site).Tag("participant", o.Participant).Tag("measure", o.Measure).Tag("timepoint", o.Timepoint)
                    .Field("value", o.Value)
                    .Field("unit", o.Unit ?? "")
                    .Timestamp(o.Time, WritePrecision.Ns);
                break;
            case RawSampleBatchRecord raw:
                var batch = raw.Decode();
                foreach (var sample in batch.Samples)
                {
                    var samplePoint = PointData.Measurement(Measurements.ImuSample)
                        .Tag("site", raw.Site).Tag("sensor", raw.Sensor)
                        .Field("ax", sample.AccelX).Field("ay", sample.AccelY).Field("az", sample.AccelZ)
                        .Field("batch", (long)batch.Sequence)
                        .Timestamp(sample.TimestampUs * 1000, WritePrecision.Ns);
                    if (batch.HasGyro)
                    {
                        samplePoint = samplePoint.Field("gx", sample.GyroX).Field("gy", sample.GyroY).Field("gz", sample.GyroZ);
                    }

                    yield return samplePoint;
                }

                break;
            default:
                throw new StoreRejectedException($"unknown record type {record.GetType().Name}");
        }
    }

    internal static DateTimeOffset ManualStepsTime(DateOnly date) => new(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private static PointData EventPoint(string site, MovementEvent e, string? leg)
    {
        PointData Common(string measurement)
        {
            var p = PointData.Measurement(measurement).Tag("site", site).Tag("participant", e.Participant).Tag("sensor", e.Sensor);
            if (e.Session is { } session)
            {
                p = p.Tag("session", session);
            }

            if (leg is not null)
            {
                p = p.Tag("leg", leg);
            }

            return p.Field("event_id", e.Id).Timestamp(e.Time, WritePrecision.Ns);
        }

        switch (e)
        {
            case RepEvent rep:
                var point = Common(Measurements.Rep).Tag("exercise", rep.Exercise)
                    .Field("set_number", rep.SetNumber).Field("rep_number", rep.RepNumber)
                    .Field("rom_deg", rep.RomDeg).Field("duration_s", rep.DurationS)
                    .Field("peak_angular_velocity_dps", rep.PeakAngularVelocityDps).Field("smoothness", rep.Smoothness)
                    .Field("sway_deg", rep.SwayDeg).Field("flags", rep.Flags.Count)
                    .Field("start_time_ms", rep.StartTime.ToUnixTimeMilliseconds());
                if (rep.TargetReps is { } targetReps)
                {
                    point = point.Field("target_reps", targetReps);
                }

                if (rep.TargetRomDeg is { } targetRom)
                {
                    point = point.Field("target_rom_deg", targetRom);
                }

                if (rep.RomKind is { } romKind)
                {
                    point = point.Field("rom_kind", romKind.ToString());
                }

                return point;
            case FormFlagEvent flag:
                return Common(Measurements.FormFlag).Tag("exercise", flag.Exercise).Tag("flag", flag.Flag.Flag)
                    .Field("rep_id", flag.RepId).Field("measured", flag.Flag.Measured).Field("threshold", flag.Flag.Threshold)
                    .Field("unit", flag.Flag.Unit).Field("message", flag.Flag.Message);
            case SetSummaryEvent set:
                var setPoint = Common(Measurements.ExerciseSet).Tag("exercise", set.Exercise)
                    .Field("set_number", set.SetNumber).Field("reps", set.Reps)
                    .Field("mean_rom_deg", set.MeanRomDeg).Field("mean_duration_s", set.MeanDurationS);
                if (set.TargetReps is { } target)
                {
                    setPoint = setPoint.Field("target_reps", target);
                }

                foreach (var (flagId, count) in set.FlagCounts)
                {
                    setPoint = setPoint.Field("flags_" + flagId, count);
                }

                return setPoint;
            case ExerciseChangeEvent change:
                return Common(Measurements.ExerciseChange).Field("from", change.From).Field("to", change.To).Field("confidence", change.Confidence);
            default:
                throw new StoreRejectedException($"unknown event type {e.EventType}");
        }
    }

    private static string Where(params (string Tag, string Value)[] conditions) =>
        string.Join(" AND ", conditions.Select(c => $"\"{c.Tag}\" = {InfluxQlClient.Literal(c.Value)}"));

    public async Task<IReadOnlyList<DailySteps>> GetDailyStepsAsync(string site, string participant, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var start = InfluxQlClient.Nanos(DailyStepCalculator.DayStartUtc(from, _zone));
        var end = InfluxQlClient.Nanos(DailyStepCalculator.DayStartUtc(to.AddDays(1), _zone));
        var assignmentResults = await _query.QueryAsync(
            $"SELECT \"participant\" FROM \"{Measurements.DeviceAssignment}\" WHERE {Where(("site", site))} GROUP BY \"sensor\"", cancellationToken).ConfigureAwait(false);
        var assignments = new Dictionary<string, IReadOnlyList<SensorAssignment>>();
        foreach (var series in assignmentResults[0])
        {
            var history = InfluxRow.Of([series]).Select(r => new SensorAssignment(r.Time, r.String("participant") is { Length: > 0 } p ? p : null)).ToList();
            if (history.Any(a => a.Participant == participant))
            {
                assignments[series.Tags["sensor"]] = history;
            }
        }

        var readings = new Dictionary<string, IReadOnlyList<CounterReading>>();
        if (assignments.Count > 0)
        {
            var sensors = "(" + string.Join(" OR ", assignments.Keys.Select(s => $"\"sensor\" = {InfluxQlClient.Literal(s)}")) + ")";
            var filter = $"{Where(("site", site))} AND {sensors}";
            // The range, plus the last reading before it and the first after it (intervals crossing the range edges).
            var results = await _query.QueryAsync(
                $"SELECT \"steps_total\" FROM \"{Measurements.StepReading}\" WHERE {filter} AND time >= {start} AND time < {end} GROUP BY \"sensor\"; " +
                $"SELECT last(\"steps_total\") AS \"steps_total\" FROM \"{Measurements.StepReading}\" WHERE {filter} AND time < {start} GROUP BY \"sensor\"; " +
                $"SELECT first(\"steps_total\") AS \"steps_total\" FROM \"{Measurements.StepReading}\" WHERE {filter} AND time >= {end} GROUP BY \"sensor\"",
                cancellationToken).ConfigureAwait(false);
            var bySensor = new Dictionary<string, List<CounterReading>>();
            foreach (var series in results.SelectMany(r => r))
            {
                var sensor = series.Tags["sensor"];
                if (!bySensor.TryGetValue(sensor, out var list))
                {
                    bySensor[sensor] = list = [];
                }

                list.AddRange(InfluxRow.Of([series]).Select(r => new CounterReading(r.Time, r.Int64("steps_total"))));
            }

            foreach (var (sensor, list) in bySensor)
            {
                readings[sensor] = list;
            }
        }

        var manualResults = await _query.QueryAsync(
            $"SELECT \"steps\", \"date\" FROM \"{Measurements.ManualSteps}\" WHERE {Where(("site", site), ("participant", participant))} " +
            $"AND time >= {InfluxQlClient.Nanos(ManualStepsTime(from))} AND time <= {InfluxQlClient.Nanos(ManualStepsTime(to))}",
            cancellationToken).ConfigureAwait(false);
        var manual = InfluxRow.Of(manualResults[0]).ToDictionary(
            r => DateOnly.ParseExact(r.String("date")!, "yyyy-MM-dd", CultureInfo.InvariantCulture), r => r.Int64("steps"));

        return DailyStepCalculator.Compute(participant, readings, assignments, manual, from, to, _zone);
    }

    public async Task<IReadOnlyList<RepSummary>> GetRepsAsync(string site, string participant, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var results = await _query.QueryAsync(
            $"SELECT * FROM \"{Measurements.Rep}\" WHERE {Where(("site", site), ("participant", participant))} " +
            $"AND time >= {InfluxQlClient.Nanos(from)} AND time < {InfluxQlClient.Nanos(to)}", cancellationToken).ConfigureAwait(false);
        return InfluxRow.Of(results[0])
            .Select(r => new RepSummary(r.String("event_id")!, r.Time, participant, r.String("sensor")!, r.String("exercise")!,
                NullIfEmpty(r.String("leg")), NullIfEmpty(r.String("session")), (int)r.Int64("set_number"), (int)r.Int64("rep_number"),
                r.Double("rom_deg"), r.Double("duration_s")))
            .OrderBy(r => r.Time).ThenBy(r => r.EventId, StringComparer.Ordinal)
            .ToList();
    }

    public async Task<IReadOnlyList<SessionExerciseSummary>> GetSessionSummaryAsync(string site, string session, CancellationToken cancellationToken)
    {
        var filter = Where(("site", site), ("session", session));
        var results = await _query.QueryAsync(
            $"SELECT count(\"rom_deg\") AS \"reps\", mean(\"rom_deg\") AS \"mean_rom_deg\" FROM \"{Measurements.Rep}\" WHERE {filter} GROUP BY \"participant\", \"exercise\"; " +
            $"SELECT count(distinct(\"set_number\")) AS \"sets\" FROM \"{Measurements.Rep}\" WHERE {filter} GROUP BY \"participant\", \"exercise\"; " +
            $"SELECT count(\"event_id\") AS \"count\" FROM \"{Measurements.FormFlag}\" WHERE {filter} GROUP BY \"participant\", \"exercise\", \"flag\"; " +
            // The angle kind only when every rep has the same one: count() skips reps without the field.
            $"SELECT count(\"rom_kind\") AS \"with_kind\", count(distinct(\"rom_kind\")) AS \"kinds\", last(\"rom_kind\") AS \"kind\" FROM \"{Measurements.Rep}\" WHERE {filter} GROUP BY \"participant\", \"exercise\"",
            cancellationToken).ConfigureAwait(false);
        var sets = results[1].ToDictionary(s => (s.Tags["participant"], s.Tags["exercise"]), s => (int)InfluxRow.Of([s]).First().Int64("sets"));
        var kinds = results[3].ToDictionary(s => (s.Tags["participant"], s.Tags["exercise"]), s => InfluxRow.Of([s]).First());
        var reps = results[0].Select(s =>
        {
            var row = InfluxRow.Of([s]).First();
            var key = (s.Tags["participant"], s.Tags["exercise"]);
            var kind = kinds.TryGetValue(key, out var k) && k.Int64("with_kind") == row.Int64("reps") && k.Int64("kinds") == 1 ? k.String("kind") : null;
            return (key.Item1, key.Item2, sets.GetValueOrDefault(key), (int)row.Int64("reps"), row.Double("mean_rom_deg"), kind);
        });
        var flags = new Dictionary<(string, string), Dictionary<string, int>>();
        foreach (var s in results[2])
        {
            var key = (s.Tags["participant"], s.Tags["exercise"]);
            if (!flags.TryGetValue(key, out var counts))
            {
                flags[key] = counts = [];
            }

            counts[s.Tags["flag"]] = (int)InfluxRow.Of([s]).First().Int64("count");
        }

        return SessionSummaries.Combine(reps, flags);
    }

    public async Task<IReadOnlyList<AttendanceRecord>> GetAttendanceAsync(string site, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var results = await _query.QueryAsync(
            $"SELECT \"attended\", \"cohort\", \"session_number\", \"sessions_planned\" FROM \"{Measurements.Attendance}\" WHERE {Where(("site", site))} " +
            $"AND time >= {InfluxQlClient.Nanos(DailyStepCalculator.DayStartUtc(from, _zone))} AND time < {InfluxQlClient.Nanos(DailyStepCalculator.DayStartUtc(to.AddDays(1), _zone))} " +
            "GROUP BY \"session\", \"participant\"", cancellationToken).ConfigureAwait(false);
        // Identity is (session, participant): the latest point of each series wins.
        return results[0]
            .Select(s => InfluxRow.Of([s]).MaxBy(r => r.Time))
            .Select(r => new AttendanceRecord(site, r.String("session")!, r.String("participant")!, r.Time, r.Bool("attended"),
                NullIfEmpty(r.String("cohort")), r.Has("session_number") ? (int)r.Int64("session_number") : null, r.Has("sessions_planned") ? (int)r.Int64("sessions_planned") : null))
            .OrderBy(a => a.SessionTime).ThenBy(a => a.Session, StringComparer.Ordinal).ThenBy(a => a.Participant, StringComparer.Ordinal)
            .ToList();
    }

    public async Task<IReadOnlyList<OutcomeRecord>> GetOutcomesAsync(string site, string participant, CancellationToken cancellationToken)
    {
        var results = await _query.QueryAsync(
            $"SELECT \"value\", \"unit\" FROM \"{Measurements.Outcome}\" WHERE {Where(("site", site), ("participant", participant))} GROUP BY \"measure\", \"timepoint\"",
            cancellationToken).ConfigureAwait(false);
        return results[0]
            .Select(s => InfluxRow.Of([s]).MaxBy(r => r.Time))
            .Select(r => new OutcomeRecord(site, participant, r.String("measure")!, r.String("timepoint")!, r.Double("value"), r.Time, NullIfEmpty(r.String("unit"))))
            .OrderBy(o => o.Time).ThenBy(o => o.Measure, StringComparer.Ordinal).ThenBy(o => o.Timepoint, StringComparer.Ordinal)
            .ToList();
    }

    public async Task<IReadOnlyList<ImuSample>> GetRawSamplesAsync(string site, string sensor, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var results = await _query.QueryAsync(
            $"SELECT \"ax\", \"ay\", \"az\", \"gx\", \"gy\", \"gz\" FROM \"{Measurements.ImuSample}\" WHERE {Where(("site", site), ("sensor", sensor))} " +
            $"AND time >= {InfluxQlClient.Nanos(from)} AND time < {InfluxQlClient.Nanos(to)}", cancellationToken).ConfigureAwait(false);
        return InfluxRow.Of(results[0])
            .Select(r => new ImuSample(
                r.Int64Nanos() / 1000, (float)r.Double("ax"), (float)r.Double("ay"), (float)r.Double("az"),
                r.Has("gx") ? (float)r.Double("gx") : float.NaN, r.Has("gy") ? (float)r.Double("gy") : float.NaN, r.Has("gz") ? (float)r.Double("gz") : float.NaN))
            .OrderBy(sample => sample.TimestampUs)
            .ToList();
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    public void Dispose()
    {
        _client.Dispose();
        _query.Dispose();
        _ensureLock.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Activity store: {Server}")]
    private static partial void LogCreated(ILogger logger, InfluxDbOptions server);

    [LoggerMessage(Level = LogLevel.Information, Message = "Server refused CREATE DATABASE {Database} ({Reason}); assuming it is managed there")]
    private static partial void LogCreateDatabaseRefused(ILogger logger, string database, string reason);
}

/// <summary>Measurement names of the InfluxDB schema (docs/storage.md).</summary>
public static class Measurements
{
    public const string Rep = "rep";
    public const string FormFlag = "form_flag";
    public const string ExerciseSet = "exercise_set";
    public const string ExerciseChange = "exercise_change";
    public const string StepReading = "step_reading";
    public const string ManualSteps = "manual_steps";
    public const string DeviceAssignment = "device_assignment";
    public const string Attendance = "attendance";
    public const string Outcome = "outcome";
    public const string ImuSample = "imu_sample";
}
