using System.Buffers.Binary;
using Movement.Protocol;

namespace Movement.Gateway.Decoders;

/// <summary>
/// Nordic Thingy:52 Motion Service (firmware ble_tms.h / drv_motion.c). Raw motion is 9 × i16: accelerometer
/// Q6.10 (÷1024 → g), gyroscope Q11.5 (÷32 → °/s), compass Q12.4 (÷16 → µT), one sample per notification.
/// </summary>
public static class Thingy52
{
    public static readonly Guid AdvertisedService = Uuid("0100");
    public static readonly Guid MotionService = Uuid("0400");
    public static readonly Guid ConfigCharacteristic = Uuid("0401");
    public static readonly Guid StepCounterCharacteristic = Uuid("0405");
    public static readonly Guid RawMotionCharacteristic = Uuid("0406");

    public const int RawMotionLength = 18;
    public const int StepCounterLength = 8;

    private const float AccelCountsPerG = 1024f;
    private const float GyroCountsPerDps = 32f;

    private static Guid Uuid(string shortId) => Guid.Parse($"ef68{shortId}-9b35-4933-9b10-52ffa9740042");

    /// <summary>Decodes a raw-motion notification into SI units, stamped with <paramref name="timestampUs"/> (the receive time).</summary>
    public static bool TryDecodeRawMotion(ReadOnlySpan<byte> value, long timestampUs, out ImuSample sample, out string? error)
    {
        sample = default;
        if (value.Length != RawMotionLength)
        {
            error = $"Thingy:52 raw motion is {RawMotionLength} bytes, got {value.Length}";
            return false;
        }

        const float accel = Units.StandardGravity / AccelCountsPerG;
        const float gyro = Units.RadiansPerDegree / GyroCountsPerDps;
        sample = new ImuSample(
            timestampUs,
            BinaryPrimitives.ReadInt16LittleEndian(value) * accel,
            BinaryPrimitives.ReadInt16LittleEndian(value[2..]) * accel,
            BinaryPrimitives.ReadInt16LittleEndian(value[4..]) * accel,
            BinaryPrimitives.ReadInt16LittleEndian(value[6..]) * gyro,
            BinaryPrimitives.ReadInt16LittleEndian(value[8..]) * gyro,
            BinaryPrimitives.ReadInt16LittleEndian(value[10..]) * gyro);
        error = null;
        return true;
    }

    /// <summary>Compass part of a raw-motion notification in µT (not carried in <see cref="ImuSample"/>).</summary>
    public static bool TryDecodeCompass(ReadOnlySpan<byte> value, out float xUt, out float yUt, out float zUt, out string? error)
    {
        xUt = yUt = zUt = 0;
        if (value.Length != RawMotionLength)
        {
            error = $"Thingy:52 raw motion is {RawMotionLength} bytes, got {value.Length}";
            return false;
        }

        xUt = BinaryPrimitives.ReadInt16LittleEndian(value[12..]) / 16f;
        yUt = BinaryPrimitives.ReadInt16LittleEndian(value[14..]) / 16f;
        zUt = BinaryPrimitives.ReadInt16LittleEndian(value[16..]) / 16f;
        error = null;
        return true;
    }

    /// <summary>Encodes a sample back into raw-motion bytes (used by the simulator). Values saturate at the i16 range.</summary>
    public static void EncodeRawMotion(in ImuSample sample, Span<byte> destination)
    {
        if (destination.Length < RawMotionLength)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes; {RawMotionLength} needed.", nameof(destination));
        }

        const float accel = AccelCountsPerG / Units.StandardGravity;
        const float gyro = GyroCountsPerDps / Units.RadiansPerDegree;
        BinaryPrimitives.WriteInt16LittleEndian(destination, Saturate(sample.AccelX * accel));
        BinaryPrimitives.WriteInt16LittleEndian(destination[2..], Saturate(sample.AccelY * accel));
        BinaryPrimitives.WriteInt16LittleEndian(destination[4..], Saturate(sample.AccelZ * accel));
        BinaryPrimitives.WriteInt16LittleEndian(destination[6..], Saturate(sample.HasGyro ? sample.GyroX * gyro : 0));
        BinaryPrimitives.WriteInt16LittleEndian(destination[8..], Saturate(sample.HasGyro ? sample.GyroY * gyro : 0));
        BinaryPrimitives.WriteInt16LittleEndian(destination[10..], Saturate(sample.HasGyro ? sample.GyroZ * gyro : 0));
        destination[12..RawMotionLength].Clear();
    }

    public static bool TryDecodeStepCounter(ReadOnlySpan<byte> value, out ThingyStepCounter reading, out string? error)
    {
        reading = default;
        if (value.Length != StepCounterLength)
        {
            error = $"Thingy:52 step counter is {StepCounterLength} bytes, got {value.Length}";
            return false;
        }

        reading = new ThingyStepCounter(BinaryPrimitives.ReadUInt32LittleEndian(value), BinaryPrimitives.ReadUInt32LittleEndian(value[4..]));
        error = null;
        return true;
    }

    public static void EncodeStepCounter(ThingyStepCounter reading, Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, reading.Steps);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], reading.WalkingTimeMs);
    }

    private static short Saturate(float value) =>
        float.IsNaN(value) ? (short)0 : (short)Math.Clamp(MathF.Round(value), short.MinValue, short.MaxValue);
}

/// <summary>Cumulative steps and walking time since the Thingy started.</summary>
public readonly record struct ThingyStepCounter(uint Steps, uint WalkingTimeMs);

/// <summary>
/// The 9-byte Motion Service configuration (characteristic EF680401). The firmware refuses any other length or
/// an out-of-range value ("write not permitted"), so the gateway validates before writing.
/// </summary>
public readonly record struct ThingyMotionConfig(
    ushort PedometerIntervalMs, ushort TemperatureIntervalMs, ushort CompassIntervalMs, ushort MotionFrequencyHz, bool WakeOnMotion)
{
    public const int Length = 9;

    /// <summary>Factory default: <c>E8 03 F4 01 F4 01 0A 00 01</c>.</summary>
    public static ThingyMotionConfig Default { get; } = new(1000, 500, 500, 10, true);

    public bool TryValidate(out string? error)
    {
        error = PedometerIntervalMs is < 100 or > 5000 ? $"pedometer interval {PedometerIntervalMs} ms is outside 100-5000"
            : TemperatureIntervalMs is < 100 or > 5000 ? $"temperature interval {TemperatureIntervalMs} ms is outside 100-5000"
            : CompassIntervalMs is < 100 or > 5000 ? $"compass interval {CompassIntervalMs} ms is outside 100-5000"
            : MotionFrequencyHz is < 5 or > 200 ? $"motion frequency {MotionFrequencyHz} Hz is outside 5-200"
            : null;
        return error is null;
    }

    /// <summary>Writes the 9 configuration bytes; throws if the values would be refused by the device.</summary>
    public void Encode(Span<byte> destination)
    {
        if (!TryValidate(out var error))
        {
            throw new ArgumentException($"Invalid Thingy:52 motion configuration: {error}.");
        }

        if (destination.Length < Length)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes; {Length} needed.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt16LittleEndian(destination, PedometerIntervalMs);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], TemperatureIntervalMs);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], CompassIntervalMs);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], MotionFrequencyHz);
        destination[8] = WakeOnMotion ? (byte)1 : (byte)0;
    }

    public byte[] ToBytes()
    {
        var bytes = new byte[Length];
        Encode(bytes);
        return bytes;
    }

    public static bool TryDecode(ReadOnlySpan<byte> value, out ThingyMotionConfig config, out string? error)
    {
        config = default;
        if (value.Length != Length)
        {
            error = $"Thingy:52 motion configuration is {Length} bytes, got {value.Length}";
            return false;
        }

        if (value[8] > 1)
        {
            error = $"wake-on-motion byte is {value[8]}, expected 0 or 1";
            return false;
        }

        var decoded = new ThingyMotionConfig(
            BinaryPrimitives.ReadUInt16LittleEndian(value),
            BinaryPrimitives.ReadUInt16LittleEndian(value[2..]),
            BinaryPrimitives.ReadUInt16LittleEndian(value[4..]),
            BinaryPrimitives.ReadUInt16LittleEndian(value[6..]),
            value[8] == 1);
        if (!decoded.TryValidate(out error))
        {
            return false;
        }

        config = decoded;
        return true;
    }
}
