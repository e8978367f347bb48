using System.Buffers.Binary;

namespace Movement.Gateway.Decoders;

/// <summary>Bluetooth SIG Running Speed and Cadence, RSC Measurement (0x2A53).</summary>
public static class RunningSpeedCadence
{
    public static readonly Guid Service = BluetoothUuid.FromShort(0x1814);
    public static readonly Guid MeasurementCharacteristic = BluetoothUuid.FromShort(0x2A53);

    private const byte StridePresent = 0x01;
    private const byte DistancePresent = 0x02;
    private const byte Running = 0x04;
    private const byte KnownFlags = StridePresent | DistancePresent | Running;

    public static bool TryDecode(ReadOnlySpan<byte> value, out RscMeasurement measurement, out string? error)
    {
        measurement = default;
        if (value.Length < 4)
        {
            error = $"RSC measurement needs at least 4 bytes (flags, speed, cadence), got {value.Length}";
            return false;
        }

        var flags = value[0];
        if ((flags & ~KnownFlags) != 0)
        {
            error = $"RSC flags 0x{flags:X2} have reserved bits set";
            return false;
        }

        var expected = 4 + ((flags & StridePresent) != 0 ? 2 : 0) + ((flags & DistancePresent) != 0 ? 4 : 0);
        if (value.Length != expected)
        {
            error = $"RSC measurement with flags 0x{flags:X2} is {expected} bytes, got {value.Length}";
            return false;
        }

        var offset = 4;
        double? strideM = null;
        double? distanceM = null;
        if ((flags & StridePresent) != 0)
        {
            strideM = BinaryPrimitives.ReadUInt16LittleEndian(value[offset..]) / 100.0;
            offset += 2;
        }

        if ((flags & DistancePresent) != 0)
        {
            distanceM = BinaryPrimitives.ReadUInt32LittleEndian(value[offset..]) / 10.0;
        }

        measurement = new RscMeasurement(
            BinaryPrimitives.ReadUInt16LittleEndian(value[1..]) / 256.0, value[3], (flags & Running) != 0, strideM, distanceM);
        error = null;
        return true;
    }
}

/// <param name="SpeedMps">Instantaneous speed in m/s.</param>
/// <param name="CadenceSpm">Instantaneous cadence in steps per minute.</param>
public readonly record struct RscMeasurement(double SpeedMps, byte CadenceSpm, bool IsRunning, double? StrideM, double? TotalDistanceM);

/// <summary>
/// RSC has no step count: integrate cadence over time. Each reading's cadence holds until the next one; a gap
/// longer than <see cref="MaxGap"/> (sensor out of range) counts only up to that gap, so a stale cadence is not
/// extrapolated across an outage.
/// </summary>
public sealed class CadenceStepIntegrator
{
    private long? _lastTimestampUs;
    private double _lastCadenceSpm;
    private double _steps;

    public TimeSpan MaxGap { get; init; } = TimeSpan.FromSeconds(5);

    public long StepsTotal => (long)_steps;

    /// <summary>Adds a cadence reading taken at <paramref name="timestampUs"/>; returns the cumulative step count.</summary>
    public long Add(double cadenceSpm, long timestampUs)
    {
        if (_lastTimestampUs is { } last && timestampUs > last)
        {
            var dtS = Math.Min((timestampUs - last) / 1e6, MaxGap.TotalSeconds);
            _steps += _lastCadenceSpm * dtS / 60.0;
        }

        if (_lastTimestampUs is null || timestampUs >= _lastTimestampUs)
        {
            _lastTimestampUs = timestampUs;
            _lastCadenceSpm = double.IsFinite(cadenceSpm) && cadenceSpm > 0 ? cadenceSpm : 0;
        }

        return StepsTotal;
    }
}
