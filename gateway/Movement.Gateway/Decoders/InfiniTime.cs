using System.Buffers.Binary;
using Movement.Protocol;

namespace Movement.Gateway.Decoders;

/// <summary>
/// InfiniTime (PineTime) Motion Service, doc/MotionService.md: step count u32, raw motion i16[3].
/// The service UUID is 00030000-78fc-48fe-8e23-433b3a1942d0 in InfiniTime's source and doc; the
/// 00020000 in our reference sheet is a slip.
/// </summary>
public static class InfiniTime
{
    public static readonly Guid MotionService = Guid.Parse("00030000-78fc-48fe-8e23-433b3a1942d0");
    public static readonly Guid StepCountCharacteristic = Guid.Parse("00030001-78fc-48fe-8e23-433b3a1942d0");
    public static readonly Guid RawMotionCharacteristic = Guid.Parse("00030002-78fc-48fe-8e23-433b3a1942d0");

    /// <summary>Counts per g of the raw motion values (BMA421 at ±2 g as InfiniTime configures it, scaled to 1024/g).</summary>
    public const float DefaultCountsPerG = 1024f;

    public static bool TryDecodeStepCount(ReadOnlySpan<byte> value, out uint steps, out string? error)
    {
        steps = 0;
        if (value.Length != 4)
        {
            error = $"InfiniTime step count is 4 bytes, got {value.Length}";
            return false;
        }

        steps = BinaryPrimitives.ReadUInt32LittleEndian(value);
        error = null;
        return true;
    }

    /// <summary>Raw motion as an accelerometer-only sample (no gyroscope on the PineTime).</summary>
    public static bool TryDecodeRawMotion(ReadOnlySpan<byte> value, long timestampUs, out ImuSample sample, out string? error, float countsPerG = DefaultCountsPerG)
    {
        sample = default;
        if (value.Length != 6)
        {
            error = $"InfiniTime raw motion is 6 bytes, got {value.Length}";
            return false;
        }

        var scale = Units.StandardGravity / countsPerG;
        sample = new ImuSample(
            timestampUs,
            BinaryPrimitives.ReadInt16LittleEndian(value) * scale,
            BinaryPrimitives.ReadInt16LittleEndian(value[2..]) * scale,
            BinaryPrimitives.ReadInt16LittleEndian(value[4..]) * scale);
        error = null;
        return true;
    }
}
