using System.Buffers.Binary;
using System.Text;
using Movement.Protocol;

namespace Movement.Gateway.Decoders;

public enum GspCommand : byte
{
    Hello = 0,
    Subscribe = 1,
    Unsubscribe = 2,
}

public enum GspNotificationKind : byte
{
    Response = 1,
    Data = 2,
}

/// <summary>A decoded GSP notification: a response <c>[1][ref][status u16]</c> or data <c>[2][ref][payload]</c>.</summary>
public readonly ref struct GspNotification(GspNotificationKind kind, byte reference, ushort status, ReadOnlySpan<byte> payload)
{
    public GspNotificationKind Kind { get; } = kind;

    public byte Reference { get; } = reference;

    /// <summary>HTTP-like status of a response (200 = OK); 0 for data.</summary>
    public ushort Status { get; } = status;

    public ReadOnlySpan<byte> Payload { get; } = payload;
}

/// <summary>Movesense GATT SensorData Protocol (movesense.com/docs/esw/gatt_sensordata_protocol).</summary>
public static class MovesenseGsp
{
    public static readonly Guid Service = Guid.Parse("34802252-7185-4d5d-b431-630e7050e8f0");
    public static readonly Guid WriteCharacteristic = Guid.Parse("34800001-7185-4d5d-b431-630e7050e8f0");
    public static readonly Guid NotifyCharacteristic = Guid.Parse("34800002-7185-4d5d-b431-630e7050e8f0");

    private const int AccSampleSize = 12;

    public static byte[] Hello(byte reference) => [(byte)GspCommand.Hello, CheckReference(reference)];

    /// <summary><c>01 ref "/Meas/Acc/13"</c>.</summary>
    public static byte[] Subscribe(byte reference, string path)
    {
        if (string.IsNullOrEmpty(path) || !path.StartsWith('/') || path.Any(c => c > 0x7E || c < 0x20))
        {
            throw new ArgumentException($"'{path}' is not a printable ASCII resource path starting with '/'.", nameof(path));
        }

        var bytes = new byte[2 + path.Length];
        bytes[0] = (byte)GspCommand.Subscribe;
        bytes[1] = CheckReference(reference);
        Encoding.ASCII.GetBytes(path, bytes.AsSpan(2));
        return bytes;
    }

    public static byte[] Unsubscribe(byte reference) => [(byte)GspCommand.Unsubscribe, CheckReference(reference)];

    public static bool TryDecodeNotification(ReadOnlySpan<byte> value, out GspNotification notification, out string? error)
    {
        notification = default;
        if (value.Length < 2)
        {
            error = $"GSP notification needs at least 2 bytes, got {value.Length}";
            return false;
        }

        switch ((GspNotificationKind)value[0])
        {
            case GspNotificationKind.Response:
                if (value.Length < 4)
                {
                    error = $"GSP response needs 4 bytes, got {value.Length}";
                    return false;
                }

                notification = new GspNotification(GspNotificationKind.Response, value[1], BinaryPrimitives.ReadUInt16LittleEndian(value[2..]), value[4..]);
                break;
            case GspNotificationKind.Data:
                notification = new GspNotification(GspNotificationKind.Data, value[1], 0, value[2..]);
                break;
            default:
                error = $"GSP notification kind {value[0]} is neither response (1) nor data (2)";
                return false;
        }

        error = null;
        return true;
    }

    /// <summary>
    /// Decodes a <c>/Meas/Acc/&lt;Hz&gt;</c> payload: u32 device timestamp (ms, of the first sample) then N × 3 f32 m/s².
    /// Sample i is stamped <paramref name="deviceToUnixOffsetUs"/> + timestamp + i / rate.
    /// </summary>
    public static bool TryDecodeAcc(ReadOnlySpan<byte> payload, int sampleRateHz, long deviceToUnixOffsetUs, Span<ImuSample> destination,
        out int count, out uint deviceTimestampMs, out string? error)
    {
        count = 0;
        deviceTimestampMs = 0;
        if (sampleRateHz <= 0)
        {
            error = $"sample rate {sampleRateHz} Hz is not positive";
            return false;
        }

        if (payload.Length < 4 + AccSampleSize || (payload.Length - 4) % AccSampleSize != 0)
        {
            error = $"GSP /Meas/Acc payload is {payload.Length} bytes; expected 4 + a multiple of {AccSampleSize}";
            return false;
        }

        var n = (payload.Length - 4) / AccSampleSize;
        if (n > destination.Length)
        {
            error = $"GSP /Meas/Acc payload holds {n} samples; destination holds {destination.Length}";
            return false;
        }

        deviceTimestampMs = BinaryPrimitives.ReadUInt32LittleEndian(payload);
        var startUs = deviceToUnixOffsetUs + (deviceTimestampMs * 1000L);
        for (var i = 0; i < n; i++)
        {
            var slot = payload.Slice(4 + (i * AccSampleSize), AccSampleSize);
            var x = BinaryPrimitives.ReadSingleLittleEndian(slot);
            var y = BinaryPrimitives.ReadSingleLittleEndian(slot[4..]);
            var z = BinaryPrimitives.ReadSingleLittleEndian(slot[8..]);
            if (!float.IsFinite(x) || !float.IsFinite(y) || !float.IsFinite(z))
            {
                error = $"GSP /Meas/Acc sample {i} is not a finite number";
                return false;
            }

            destination[i] = new ImuSample(startUs + (i * 1_000_000L / sampleRateHz), x, y, z);
        }

        count = n;
        error = null;
        return true;
    }

    private static byte CheckReference(byte reference) =>
        reference != 0 ? reference : throw new ArgumentOutOfRangeException(nameof(reference), "GSP references must not be 0.");
}
