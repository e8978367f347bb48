using System.Text.Json.Serialization;
using Movement.Protocol;

namespace Movement.Store;

/// <summary>
/// One thing to store. The subtypes are what the recorder, the outbox and the dashboard write; each has a natural
/// identity (see docs/storage.md) so that writing it twice stores it once.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(EventRecord), "event")]
[JsonDerivedType(typeof(StepReadingRecord), "step_reading")]
[JsonDerivedType(typeof(ManualStepsRecord), "manual_steps")]
[JsonDerivedType(typeof(DeviceAssignmentRecord), "device_assignment")]
[JsonDerivedType(typeof(AttendanceRecord), "attendance")]
[JsonDerivedType(typeof(OutcomeRecord), "outcome")]
[JsonDerivedType(typeof(RawSampleBatchRecord), "raw_sample_batch")]
public abstract record ActivityRecord(string Site);

/// <summary>A classifier event; <paramref name="Leg"/> ("left"/"right") comes from the session roster when known. Identity: the event id.</summary>
public sealed record EventRecord(string Site, MovementEvent Event, string? Leg = null) : ActivityRecord(Site);

/// <summary>A cumulative step counter reading. Identity: site, sensor, time.</summary>
public sealed record StepReadingRecord(string Site, StepReading Reading) : ActivityRecord(Site);

/// <summary>
/// Steps a participant reports for a whole local day (e.g. from their own pedometer). Identity: site, participant,
/// date; a later entry for the same day replaces the earlier one. The day's total is the larger of the device
/// total and this entry, so a manual entry never double-counts what a sensor also saw.
/// </summary>
public sealed record ManualStepsRecord(string Site, string Participant, DateOnly Date, long Steps, DateTimeOffset EnteredAt) : ActivityRecord(Site);

/// <summary>
/// From <paramref name="From"/> on, <paramref name="Sensor"/> is worn by <paramref name="Participant"/> (null: by nobody).
/// Identity: site, sensor, from.
/// </summary>
public sealed record DeviceAssignmentRecord(string Site, string Sensor, string? Participant, DateTimeOffset From, string? Leg = null) : ActivityRecord(Site);

/// <summary>
/// A participant's attendance at a session. Identity: site, session, participant (the latest write wins).
/// <paramref name="Cohort"/>, <paramref name="SessionNumber"/> and <paramref name="SessionsPlanned"/> are the session
/// state's pseudonymous cohort reference (<see cref="SessionState.CohortId"/>); null when it had none (or was recorded
/// before it existed). A later write without them keeps those already stored.
/// </summary>
public sealed record AttendanceRecord(
    string Site, string Session, string Participant, DateTimeOffset SessionTime, bool Attended = true,
    string? Cohort = null, int? SessionNumber = null, int? SessionsPlanned = null) : ActivityRecord(Site);

/// <summary>
/// An outcome score, e.g. measure "koos_pain" or "sit_to_stand_30s", timepoint "first_session"/"last_session".
/// Identity: site, participant, measure, timepoint (the latest write wins).
/// </summary>
public sealed record OutcomeRecord(string Site, string Participant, string Measure, string Timepoint, double Value, DateTimeOffset Time, string? Unit = null) : ActivityRecord(Site);

/// <summary>
/// A raw IMU sample batch exactly as the gateway published it (<see cref="SampleBatchCodec"/> bytes), recorded only
/// when <see cref="StoreOptions.RecordRawSamples"/> is on (re-training, with the participants' consent).
/// Identity: site, sensor, batch sequence and first sample time. Create it with <see cref="TryCreate"/>, which
/// validates the payload.
/// </summary>
public sealed record RawSampleBatchRecord(string Site, string Sensor, byte[] Payload) : ActivityRecord(Site)
{
    /// <summary>A record of a payload that decodes; otherwise false with the reason.</summary>
    public static bool TryCreate(string site, string sensor, ReadOnlySpan<byte> payload, out RawSampleBatchRecord? record, out string? error)
    {
        record = null;
        if (!SampleBatchCodec.TryDecode(payload, out _, out error))
        {
            return false;
        }

        record = new RawSampleBatchRecord(site, sensor, payload.ToArray());
        return true;
    }

    /// <summary>The decoded batch; a payload that no longer decodes (e.g. a damaged outbox entry) is refused.</summary>
    public SampleBatch Decode() => SampleBatchCodec.TryDecode(Payload, out var batch, out var error)
        ? batch!
        : throw new StoreRejectedException($"raw sample batch of sensor '{Sensor}' does not decode: {error}");
}

/// <summary>Steps of one local day: from device counters, from a manual entry, and the total that counts.</summary>
public sealed record DailySteps(DateOnly Date, long DeviceSteps, long? ManualSteps)
{
    public long Total => Math.Max(DeviceSteps, ManualSteps ?? 0);
}

/// <summary>One repetition as stored.</summary>
public sealed record RepSummary(
    string EventId, DateTimeOffset Time, string Participant, string Sensor, string Exercise, string? Leg, string? Session,
    int SetNumber, int RepNumber, double RomDeg, double DurationS);

/// <summary>
/// What one participant did of one exercise in one session. <paramref name="RomKind"/> is what <paramref name="MeanRomDeg"/>
/// is an angle of when every rep says the same (null when reps say different ones, or none: events from before rom_kind).
/// </summary>
public sealed record SessionExerciseSummary(
    string Participant, string Exercise, int Sets, int Reps, double MeanRomDeg, IReadOnlyDictionary<string, int> FlagCounts, RomKind? RomKind = null);

/// <summary>Progress towards a daily step goal over a date range.</summary>
public sealed record GoalProgress(DateOnly From, DateOnly To, long DailyGoalSteps, int Days, int DaysMet, long TotalSteps)
{
    public double MeanDailySteps => Days == 0 ? 0 : (double)TotalSteps / Days;
}

/// <summary>
/// Consecutive days meeting a daily step goal. <see cref="CurrentDays"/> ends on the range's last day, or on the
/// day before it when the last day (usually today, still in progress) has not met the goal yet.
/// </summary>
public sealed record StepStreak(long DailyGoalSteps, int CurrentDays, int LongestDays, DateOnly? LongestEnd);
