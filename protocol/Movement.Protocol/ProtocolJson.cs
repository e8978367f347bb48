using System.Text.Json;
using System.Text.Json.Serialization;

namespace Movement.Protocol;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectRequiredConstructorParameters = true,
    RespectNullableAnnotations = true)] // a null where the protocol has a value is a decoding error, not a later NullReferenceException
[JsonSerializable(typeof(MovementEvent))]
[JsonSerializable(typeof(StepReading))]
[JsonSerializable(typeof(SensorStatus))]
[JsonSerializable(typeof(SensorClaim))]
[JsonSerializable(typeof(SessionState))]
public sealed partial class ProtocolJsonContext : JsonSerializerContext;

/// <summary>JSON payloads of the protocol: encode, and decode with a reason instead of an exception.</summary>
public static class ProtocolJson
{
    public static byte[] Encode(MovementEvent value) => JsonSerializer.SerializeToUtf8Bytes(value, ProtocolJsonContext.Default.MovementEvent);
    public static byte[] Encode(StepReading value) => JsonSerializer.SerializeToUtf8Bytes(value, ProtocolJsonContext.Default.StepReading);
    public static byte[] Encode(SensorStatus value) => JsonSerializer.SerializeToUtf8Bytes(value, ProtocolJsonContext.Default.SensorStatus);
    public static byte[] Encode(SensorClaim value) => JsonSerializer.SerializeToUtf8Bytes(value, ProtocolJsonContext.Default.SensorClaim);
    public static byte[] Encode(SessionState value) => JsonSerializer.SerializeToUtf8Bytes(value, ProtocolJsonContext.Default.SessionState);

    public static bool TryDecodeEvent(ReadOnlySpan<byte> payload, out MovementEvent? value, out string? error) =>
        TryDecode(payload, ProtocolJsonContext.Default.MovementEvent, out value, out error) && TryComplete(ref value, out error);

    public static bool TryDecodeStepReading(ReadOnlySpan<byte> payload, out StepReading? value, out string? error) =>
        TryDecode(payload, ProtocolJsonContext.Default.StepReading, out value, out error);

    public static bool TryDecodeSensorStatus(ReadOnlySpan<byte> payload, out SensorStatus? value, out string? error) =>
        TryDecode(payload, ProtocolJsonContext.Default.SensorStatus, out value, out error);

    public static bool TryDecodeSensorClaim(ReadOnlySpan<byte> payload, out SensorClaim? value, out string? error)
    {
        if (!TryDecode(payload, ProtocolJsonContext.Default.SensorClaim, out value, out error))
        {
            return false;
        }

        // Plausibility: ids as in topics, a lifetime a gateway could mean (1 s to 10 min).
        error = !Topics.IsValidId(value!.Sensor) || !Topics.IsValidId(value.Gateway) ? "invalid SensorClaim: sensor and gateway must be topic ids"
            : value.TtlS is not (>= 1 and <= 600) ? $"invalid SensorClaim: ttl_s {value.TtlS} is outside 1-600"
            : null;
        value = error is null ? value : null;
        return error is null;
    }

    public static bool TryDecodeSessionState(ReadOnlySpan<byte> payload, out SessionState? value, out string? error) =>
        TryDecode(payload, ProtocolJsonContext.Default.SessionState, out value, out error) && TryComplete(ref value, out error);

    /// <summary>Shortest and longest plausible time at one circuit station, seconds.</summary>
    public const double MinStationTimeS = 10, MaxStationTimeS = 3600;

    /// <summary>Longest plausible walk between two stations, seconds.</summary>
    public const double MaxChangeoverS = 600;

    /// <summary>A programme's length in sessions when a session state names none (ESCAPE-pain: twice weekly for 6 weeks).</summary>
    public const int DefaultSessionsPlanned = 12;

    /// <summary>Longest plausible programme, sessions.</summary>
    public const int MaxSessionsPlanned = 100;

    // The source generator sets an init-only property it did not find to its type's default (null), not to the
    // property's initialiser, and does not check list elements for null: complete optional lists here, refuse nulls.
    private static bool TryComplete(ref MovementEvent? value, out string? error)
    {
        value = value switch
        {
            RepEvent { Flags: null } rep => Complete(rep with { Flags = [] }),
            RepEvent rep => Complete(rep),
            SetSummaryEvent { FlagCounts: null } summary => summary with { FlagCounts = new Dictionary<string, int>() },
            _ => value,
        };
        error = value is RepEvent { Flags: var flags } && flags.Any(f => f is null) ? "invalid MovementEvent JSON: a null in 'flags'" : null;
        value = error is null ? value : null;
        return error is null;
    }

    // An event from before rom_kind existed: a knee pair's rep (paired_sensor) measured the knee.
    private static RepEvent Complete(RepEvent rep) => rep is { RomKind: null, PairedSensor: not null } ? rep with { RomKind = RomKind.Knee } : rep;

    private static bool TryComplete(ref SessionState? value, out string? error)
    {
        value = value! with { Roster = value.Roster ?? [], Stations = value.Stations ?? [] };
        // Circuit timing drives where every consumer thinks a participant is: implausible values are refused, not guessed.
        error = value.Roster.Any(r => r is null) ? "invalid SessionState JSON: a null in 'roster'"
            : value.Stations.Any(s => s is null) ? "invalid SessionState JSON: a null in 'stations'"
            : value.StationTimeS is { } stationS && !(stationS is >= MinStationTimeS and <= MaxStationTimeS)
                ? $"station_time_s {stationS} is outside {MinStationTimeS}-{MaxStationTimeS} s"
            : value.ChangeoverS is { } changeoverS && !(changeoverS is >= 0 and <= MaxChangeoverS)
                ? $"changeover_s {changeoverS} is outside 0-{MaxChangeoverS} s"
            : CohortError(value);
        value = error is null ? value : null;
        return error is null;
    }

    // The cohort reference reaches a central store: an id a topic could carry (no names), numbers a programme could have.
    private static string? CohortError(SessionState value) => value switch
    {
        { CohortId: null, SessionNumber: not null } or { CohortId: null, SessionsPlanned: not null } => "session_number and sessions_planned need a cohort_id",
        { CohortId: { } cohort } when !Topics.IsValidId(cohort) => "invalid SessionState: cohort_id must be a topic id",
        { SessionsPlanned: { } planned } when planned is < 1 or > MaxSessionsPlanned => $"sessions_planned {planned} is outside 1-{MaxSessionsPlanned}",
        { SessionNumber: { } number } when number < 1 || number > (value.SessionsPlanned ?? DefaultSessionsPlanned) =>
            $"session_number {number} is outside 1-{value.SessionsPlanned ?? DefaultSessionsPlanned}",
        _ => null,
    };

    private static bool TryDecode<T>(ReadOnlySpan<byte> payload, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, out T? value, out string? error)
        where T : class
    {
        value = null;
        if (payload.IsEmpty)
        {
            error = $"empty payload where a {typeof(T).Name} was expected";
            return false;
        }

        try
        {
            value = JsonSerializer.Deserialize(payload, typeInfo);
        }
        catch (JsonException ex)
        {
            error = $"invalid {typeof(T).Name} JSON: {ex.Message}";
            return false;
        }
        catch (NotSupportedException ex)
        {
            error = $"invalid {typeof(T).Name} JSON: {ex.Message}";
            return false;
        }

        if (value is null)
        {
            error = $"payload is JSON null, not a {typeof(T).Name}";
            return false;
        }

        error = null;
        return true;
    }
}
