using System.Text.Json;
using System.Text.Json.Serialization;

namespace Movement.Protocol;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(MovementEvent))]
[JsonSerializable(typeof(StepReading))]
[JsonSerializable(typeof(SensorStatus))]
[JsonSerializable(typeof(SessionState))]
public sealed partial class ProtocolJsonContext : JsonSerializerContext;

/// <summary>JSON payloads of the protocol: encode, and decode with a reason instead of an exception.</summary>
public static class ProtocolJson
{
    public static byte[] Encode(MovementEvent value) => JsonSerializer.SerializeToUtf8Bytes(value, ProtocolJsonContext.Default.MovementEvent);
    public static byte[] Encode(StepReading value) => JsonSerializer.SerializeToUtf8Bytes(value, ProtocolJsonContext.Default.StepReading);
    public static byte[] Encode(SensorStatus value) => JsonSerializer.SerializeToUtf8Bytes(value, ProtocolJsonContext.Default.SensorStatus);
    public static byte[] Encode(SessionState value) => JsonSerializer.SerializeToUtf8Bytes(value, ProtocolJsonContext.Default.SessionState);

    public static bool TryDecodeEvent(ReadOnlySpan<byte> payload, out MovementEvent? value, out string? error) =>
        TryDecode(payload, ProtocolJsonContext.Default.MovementEvent, out value, out error);

    public static bool TryDecodeStepReading(ReadOnlySpan<byte> payload, out StepReading? value, out string? error) =>
        TryDecode(payload, ProtocolJsonContext.Default.StepReading, out value, out error);

    public static bool TryDecodeSensorStatus(ReadOnlySpan<byte> payload, out SensorStatus? value, out string? error) =>
        TryDecode(payload, ProtocolJsonContext.Default.SensorStatus, out value, out error);

    public static bool TryDecodeSessionState(ReadOnlySpan<byte> payload, out SessionState? value, out string? error)
    {
        if (!TryDecode(payload, ProtocolJsonContext.Default.SessionState, out value, out error))
        {
            return false;
        }

        // Circuit timing drives where every consumer thinks a participant is: implausible values are refused, not guessed.
        if (value!.StationTimeS is { } stationS && !(stationS is >= MinStationTimeS and <= MaxStationTimeS))
        {
            error = $"station_time_s {stationS} is outside {MinStationTimeS}-{MaxStationTimeS} s";
        }
        else if (value.ChangeoverS is { } changeoverS && !(changeoverS is >= 0 and <= MaxChangeoverS))
        {
            error = $"changeover_s {changeoverS} is outside 0-{MaxChangeoverS} s";
        }

        if (error is not null)
        {
            value = null;
            return false;
        }

        return true;
    }

    /// <summary>Shortest and longest plausible time at one circuit station, seconds.</summary>
    public const double MinStationTimeS = 10, MaxStationTimeS = 3600;

    /// <summary>Longest plausible walk between two stations, seconds.</summary>
    public const double MaxChangeoverS = 600;

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
