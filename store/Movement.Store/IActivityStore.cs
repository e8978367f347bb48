using Movement.Protocol;

namespace Movement.Store;

/// <summary>
/// Where recorded activity lives (SQLite by default, or InfluxDB). Writes are idempotent: a record written twice
/// (MQTT re-delivery, outbox replay) is stored once. Dates are local days in <see cref="StoreOptions.TimeZone"/>;
/// date ranges are inclusive. Results are plain records, ordered by time or date.
/// </summary>
public interface IActivityStore
{
    /// <summary>
    /// Writes records in order as one batch. Throws <see cref="StoreUnavailableException"/> when the database cannot
    /// be reached (the caller keeps the records and retries) and <see cref="StoreRejectedException"/> when it refuses them.
    /// Single-record helpers are in <see cref="ActivityStoreExtensions"/>.
    /// </summary>
    Task WriteAsync(IReadOnlyList<ActivityRecord> records, CancellationToken cancellationToken);

    /// <summary>Steps per local day for one participant: device counters of every sensor assigned to them, and manual entries.</summary>
    Task<IReadOnlyList<DailySteps>> GetDailyStepsAsync(string site, string participant, DateOnly from, DateOnly to, CancellationToken cancellationToken);

    /// <summary>Repetitions of a participant in a time window (oldest first).</summary>
    Task<IReadOnlyList<RepSummary>> GetRepsAsync(string site, string participant, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>Per participant and exercise: sets, reps, mean range of motion and form-flag counts in one session.</summary>
    Task<IReadOnlyList<SessionExerciseSummary>> GetSessionSummaryAsync(string site, string session, CancellationToken cancellationToken);

    /// <summary>Attendance records whose session time falls on a local day in the range (all participants of the site).</summary>
    Task<IReadOnlyList<AttendanceRecord>> GetAttendanceAsync(string site, DateOnly from, DateOnly to, CancellationToken cancellationToken);

    /// <summary>Outcome scores of one participant (the latest value per measure and timepoint).</summary>
    Task<IReadOnlyList<OutcomeRecord>> GetOutcomesAsync(string site, string participant, CancellationToken cancellationToken);

    /// <summary>Recorded raw IMU samples of one sensor with <paramref name="from"/> &lt;= time &lt; <paramref name="to"/>, oldest first (each time once).</summary>
    Task<IReadOnlyList<ImuSample>> GetRawSamplesAsync(string site, string sensor, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}

/// <summary>The database could not be reached or timed out; retrying later may succeed.</summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The database refused the records (malformed or conflicting); retrying the same records will not help.</summary>
public sealed class StoreRejectedException(string message, Exception? inner = null) : Exception(message, inner);
