using System.Text.Json.Serialization;

namespace Movement.Protocol;

/// <summary>Exercise ids as they appear in events (snake_case, documented in docs/mqtt.md).</summary>
public static class ExerciseIds
{
    public const string SitToStand = "sit_to_stand";
    public const string KneeExtension = "knee_extension";
    public const string MiniSquat = "mini_squat";
    public const string Squat = "squat";
    public const string StepUp = "step_up";
    public const string Lunge = "lunge";
    public const string HeelRaise = "heel_raise";
    public const string HamstringCurl = "hamstring_curl";
    public const string Marching = "marching";
    public const string StraightLegRaise = "straight_leg_raise";
    public const string HeelSlide = "heel_slide";
    public const string Walking = "walking";
    public const string Rest = "rest";
    public const string Unknown = "unknown";

    public static IReadOnlyList<string> All { get; } =
    [
        SitToStand, KneeExtension, MiniSquat, Squat, StepUp, Lunge, HeelRaise, HamstringCurl,
        Marching, StraightLegRaise, HeelSlide, Walking, Rest, Unknown,
    ];
}

/// <summary>Form flag ids.</summary>
public static class FormFlagIds
{
    public const string PartialRange = "partial_range";
    public const string TooFast = "too_fast";
    public const string Unstable = "unstable";
    public const string UnevenTempo = "uneven_tempo";
}

public enum Placement
{
    Shank,
    Thigh,
    Wrist,
    Other,
}

public enum Side
{
    Left,
    Right,
}

/// <summary>
/// What a range of motion is an angle of: the knee (flexion, from a thigh + shank pair), or one segment's own angle
/// (how far the segment the sensor is on turned, which is not the knee's: a thigh sensor alone does not see the
/// shank move). Rep events say which they measured (<c>rom_kind</c>); a station's target says which it is of
/// (<c>target_rom_kind</c>), and only reps of that kind are judged against it (docs/mqtt.md).
/// </summary>
public enum RomKind
{
    Knee,
    Thigh,
    Shank,
    Wrist,
    Other,
}

/// <summary>Names and limits of the <see cref="RomKind"/>s.</summary>
public static class RomKinds
{
    /// <summary>The most knee flexion a target may ask for (a knee bends about 135-150°).</summary>
    public const double MaxKneeTargetDeg = 160;

    /// <summary>The most a segment's own angle may be asked to turn.</summary>
    public const double MaxSegmentTargetDeg = 180;

    /// <summary>The angle a single sensor measures: its own segment's.</summary>
    public static RomKind OfSegment(Placement placement) => placement switch
    {
        Placement.Thigh => RomKind.Thigh,
        Placement.Shank => RomKind.Shank,
        Placement.Wrist => RomKind.Wrist,
        _ => RomKind.Other,
    };

    /// <summary>The largest target range of this kind: <see cref="MaxKneeTargetDeg"/> or <see cref="MaxSegmentTargetDeg"/>.</summary>
    public static double MaxTargetDeg(RomKind kind) => kind == RomKind.Knee ? MaxKneeTargetDeg : MaxSegmentTargetDeg;

    /// <summary>How a display names the angle: "knee angle", or e.g. "shank angle" (never the knee for one segment).</summary>
    public static string Label(RomKind kind) => kind switch
    {
        RomKind.Other => "segment angle",
        _ => $"{kind.ToString().ToLowerInvariant()} angle",
    };
}

/// <summary>A station's target range and what it is an angle of.</summary>
public readonly record struct RangeTarget(double Deg, RomKind Kind)
{
    /// <summary>The target for a rep measuring <paramref name="measured"/>: this one if it is of the same angle, else none.</summary>
    public double? For(RomKind measured) => Kind == measured ? Deg : null;
}

/// <summary>A form flag with the measurement that raised it, e.g. partial_range 48 of 90 deg.</summary>
public sealed record FormFlag(string Flag, double Measured, double Threshold, string Unit, string Message);

/// <summary>Base of the classifier's events. <see cref="Id"/> is stable across replays (idempotency key).</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(RepEvent), RepEvent.TypeName)]
[JsonDerivedType(typeof(FormFlagEvent), FormFlagEvent.TypeName)]
[JsonDerivedType(typeof(ExerciseChangeEvent), ExerciseChangeEvent.TypeName)]
[JsonDerivedType(typeof(SetSummaryEvent), SetSummaryEvent.TypeName)]
public abstract record MovementEvent
{
    public required string Id { get; init; }
    public required string Site { get; init; }
    public required string Participant { get; init; }
    public required string Sensor { get; init; }
    public required DateTimeOffset Time { get; init; }
    public string? Session { get; init; }

    /// <summary>
    /// The other sensor whose signal was combined with <see cref="Sensor"/>'s to make this event: the thigh of a
    /// thigh + shank knee pair (then <see cref="Sensor"/> is the shank). Absent (null) when one sensor made it.
    /// </summary>
    public string? PairedSensor { get; init; }

    [JsonIgnore]
    public abstract string EventType { get; }
}

public sealed record RepEvent : MovementEvent
{
    public const string TypeName = "rep";
    public override string EventType => TypeName;
    public required string Exercise { get; init; }
    public required int SetNumber { get; init; }
    public required int RepNumber { get; init; }
    public required DateTimeOffset StartTime { get; init; }
    public required double DurationS { get; init; }
    public required double RomDeg { get; init; }
    public double PeakAngularVelocityDps { get; init; }
    public double Smoothness { get; init; }
    public double SwayDeg { get; init; }
    public int? TargetReps { get; init; }

    /// <summary>
    /// What <see cref="RomDeg"/> is an angle of: the knee for a knee pair's rep, else the sensor's own segment. Null
    /// only in events from before this field existed (ProtocolJson completes a pair's as <see cref="RomKind.Knee"/>;
    /// a single sensor's is its placement's segment, docs/mqtt.md).
    /// </summary>
    public RomKind? RomKind { get; init; }

    /// <summary>The station's target range when it is of the same angle as <see cref="RomKind"/> (otherwise none applied).</summary>
    public double? TargetRomDeg { get; init; }
    public IReadOnlyList<FormFlag> Flags { get; init; } = [];

    /// <summary>
    /// How sure the classifier is that this is one rep of <see cref="Exercise"/>, 0..1 (1 in events from before this
    /// field existed). Below <see cref="UncertainBelow"/> a count should be shown as uncertain (docs/mqtt.md).
    /// </summary>
    public double Confidence { get; init; } = 1;

    /// <summary>A rep less sure than this is shown as uncertain.</summary>
    public const double UncertainBelow = 0.7;

    /// <summary>What the exercise recogniser thinks this rep is, when it disagrees with <see cref="Exercise"/> (the plan's).</summary>
    public string? LooksLike { get; init; }
}

public sealed record FormFlagEvent : MovementEvent
{
    public const string TypeName = "form_flag";
    public override string EventType => TypeName;
    public required string RepId { get; init; }
    public required string Exercise { get; init; }
    public required FormFlag Flag { get; init; }
}

public sealed record ExerciseChangeEvent : MovementEvent
{
    public const string TypeName = "exercise_change";
    public override string EventType => TypeName;
    public required string From { get; init; }
    public required string To { get; init; }
    public double Confidence { get; init; }
}

public sealed record SetSummaryEvent : MovementEvent
{
    public const string TypeName = "set_summary";
    public override string EventType => TypeName;
    public required string Exercise { get; init; }
    public required int SetNumber { get; init; }
    public required int Reps { get; init; }
    public int? TargetReps { get; init; }
    public double MeanRomDeg { get; init; }

    /// <summary>What <see cref="MeanRomDeg"/> is an angle of, when every rep of the set measured the same one (null otherwise, and in events from before this field).</summary>
    public RomKind? RomKind { get; init; }

    public double MeanDurationS { get; init; }
    public IReadOnlyDictionary<string, int> FlagCounts { get; init; } = new Dictionary<string, int>();
}

/// <summary>A cumulative step counter reading as the device reports it (resets when the device restarts).</summary>
public sealed record StepReading
{
    public required string Sensor { get; init; }
    public required DateTimeOffset Time { get; init; }
    public required long StepsTotal { get; init; }
    public long? WalkingTimeMs { get; init; }
    public double? CadenceSpm { get; init; }
}

/// <summary>Retained per sensor: link and battery as the gateway sees them.</summary>
public sealed record SensorStatus
{
    public required string Sensor { get; init; }
    public required string Gateway { get; init; }
    public required string Kind { get; init; }
    public required bool Connected { get; init; }
    public required DateTimeOffset Time { get; init; }
    public Placement? Placement { get; init; }
    public Side? Side { get; init; }
    public int? BatteryPct { get; init; }
    public int? RssiDbm { get; init; }
    public long BatchesQueued { get; init; }
    public long BatchesDropped { get; init; }

    /// <summary>The adapter (e.g. hci1) holding the link; null when not linked or simulated.</summary>
    public string? Adapter { get; init; }

    /// <summary>
    /// True when the gateway sees the sensor but every adapter's link limit is reached (and no other gateway holds it):
    /// the sensor waits for a slot. Null (omitted) otherwise. Added after protocol v1's first release.
    /// </summary>
    public bool? NoRadioSlot { get; init; }
}

/// <summary>
/// Retained per sensor: which gateway holds (or is taking) its radio link, so that of several gateways at a site
/// only one connects it. Refreshed by the holder every few seconds; lapses <see cref="TtlS"/> after the last refresh
/// a receiver saw, at once when <see cref="Released"/>, and when the holder's availability turns offline (its last will).
/// </summary>
public sealed record SensorClaim
{
    public required string Sensor { get; init; }
    public required string Gateway { get; init; }

    /// <summary>When the holder first claimed: of two live claims the earlier one holds (then the lower gateway id).</summary>
    public required DateTimeOffset Since { get; init; }

    public required DateTimeOffset Time { get; init; }

    /// <summary>Seconds after a receiver last saw this claim that it lapses without a refresh.</summary>
    public required double TtlS { get; init; }

    /// <summary>The holder let the sensor go (its link dropped or another claim won).</summary>
    public bool Released { get; init; }
}

/// <summary>Retained per site: the running session, who wears which sensor, and the circuit plan.</summary>
public sealed record SessionState
{
    public required string SessionId { get; init; }
    public required bool Active { get; init; }
    public required DateTimeOffset Time { get; init; }
    public IReadOnlyList<RosterEntry> Roster { get; init; } = [];
    public IReadOnlyList<StationPlan> Stations { get; init; } = [];

    /// <summary>
    /// Circuit timing: seconds each participant spends at a station (their sets and the rests between them) before
    /// the group moves on to the next station in plan order. Null: everyone stays at their roster station.
    /// </summary>
    public double? StationTimeS { get; init; }

    /// <summary>Seconds to walk to the next station after each station's time (none when null).</summary>
    public double? ChangeoverS { get; init; }

    /// <summary>
    /// The cohort (programme group) this session belongs to: an opaque id valid as a topic id (the site database's
    /// cohort key, never its name), so that a central dashboard can group sessions by cohort. Null: no cohort (and
    /// messages from before the field existed). Added after protocol v1's first release.
    /// </summary>
    public string? CohortId { get; init; }

    /// <summary>The session's number in its cohort's programme, 1 to <see cref="SessionsPlanned"/>; only with <see cref="CohortId"/>.</summary>
    public int? SessionNumber { get; init; }

    /// <summary>The cohort's programme length in sessions (ESCAPE-pain: 12 when null); only with <see cref="CohortId"/>.</summary>
    public int? SessionsPlanned { get; init; }

    /// <summary>
    /// The station <paramref name="entry"/> is at, at <paramref name="time"/>: their roster station from
    /// <see cref="Time"/> (when the session started), then, with <see cref="StationTimeS"/>, the next one in plan
    /// order after each station's time and changeover. Null while they walk to the next station, or when the roster
    /// names no station of the plan (a roster without stations and a one-station plan: that station).
    /// </summary>
    public StationPlan? StationAt(RosterEntry entry, DateTimeOffset time) => Locate(entry, time).Station;

    /// <summary>True while the timed circuit has <paramref name="entry"/> walking to their next station.</summary>
    public bool IsChangingStation(RosterEntry entry, DateTimeOffset time) => Locate(entry, time).Changing;

    private (StationPlan? Station, bool Changing) Locate(RosterEntry entry, DateTimeOffset time)
    {
        var first = -1;
        for (var i = 0; i < Stations.Count && first < 0; i++)
        {
            first = Stations[i].Station == entry.Station ? i : -1;
        }

        if (first < 0)
        {
            return (entry.Station is null && Stations.Count == 1 ? Stations[0] : null, false);
        }

        if (StationTimeS is not { } stationS || stationS <= 0)
        {
            return (Stations[first], false);
        }

        var periodS = stationS + Math.Max(ChangeoverS ?? 0, 0);
        var elapsedS = Math.Max((time - Time).TotalSeconds, 0);
        var rotation = (long)Math.Floor(elapsedS / periodS);
        return elapsedS - (rotation * periodS) >= stationS ? (null, true) : (Stations[(int)((first + rotation) % Stations.Count)], false);
    }
}

public sealed record RosterEntry(string Participant, string Sensor, Placement Placement, Side Side, string? Station = null);

/// <param name="TargetRomKind">What <paramref name="TargetRomDeg"/> is an angle of (a plan without it: the knee).</param>
public sealed record StationPlan(string Station, string Exercise, int TargetReps, double? TargetRomDeg = null, RomKind TargetRomKind = RomKind.Knee)
{
    /// <summary>The target range with its kind, or null when the station sets none.</summary>
    public RangeTarget? RangeTarget() => TargetRomDeg is { } deg ? new RangeTarget(deg, TargetRomKind) : null;
}

public static class GatewayAvailabilityPayload
{
    public const string Online = "online";
    public const string Offline = "offline";
}
