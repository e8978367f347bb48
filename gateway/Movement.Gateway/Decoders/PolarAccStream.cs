using System.Buffers.Binary;
using Movement.Protocol;

namespace Movement.Gateway.Decoders;

/// <summary>
/// Decodes the accelerometer frames of one Polar PMD stream (data characteristic FB005C82). Stateful: per-sample
/// timestamps step from the previous frame's timestamp, and compressed frames need the factor from the start
/// response. Create one per started stream (a reconnect restarts the stream: call <see cref="Reset"/>).
/// </summary>
public sealed class PolarAccStream(ushort sampleRateHz, int resolutionBits = 16, int channels = 3)
{
    public const int HeaderLength = 10;
    private ulong? _previousTimestampNs;

    public ushort SampleRateHz { get; } = sampleRateHz > 0 ? sampleRateHz : throw new ArgumentOutOfRangeException(nameof(sampleRateHz));

    /// <summary>From the start response; 1 when the sensor reported none.</summary>
    public float Factor { get; set; } = 1f;

    public void Reset() => _previousTimestampNs = null;

    /// <summary>
    /// Decodes one data notification into <paramref name="destination"/> (no allocation). Returns false, with a reason,
    /// for frames that are not accelerometer data, truncated, or larger than the destination; the stream state
    /// is unchanged then.
    /// </summary>
    public bool TryDecode(ReadOnlySpan<byte> frame, Span<ImuSample> destination, out int count, out string? error)
    {
        count = 0;
        if (frame.Length < HeaderLength)
        {
            error = $"PMD frame needs a {HeaderLength}-byte header, got {frame.Length} bytes";
            return false;
        }

        if ((frame[0] & 0x3F) != (byte)PmdMeasurementType.Acc)
        {
            error = $"PMD frame is of measurement type {frame[0] & 0x3F}, not accelerometer";
            return false;
        }

        var timestampNs = BinaryPrimitives.ReadUInt64LittleEndian(frame[1..]);
        var frameType = frame[9];
        var payload = frame[HeaderLength..];
        bool ok;
        if ((frameType & 0x80) == 0)
        {
            ok = TryDecodeRaw(frameType, payload, destination, out count, out error);
        }
        else
        {
            var scale = (frameType & 0x7F) switch
            {
                0 => Factor * 1000f,
                1 => Factor,
                _ => float.NaN,
            };
            if (float.IsNaN(scale))
            {
                error = $"PMD compressed accelerometer frame type 0x{frameType:X2} is not supported";
                return false;
            }

            ok = TryDecodeDelta(payload, scale, destination, out count, out error);
        }

        if (!ok)
        {
            count = 0;
            return false;
        }

        if (count == 0)
        {
            error = "PMD frame holds no samples";
            return false;
        }

        // A corrupt factor from the start response can scale a valid count past float range.
        for (var i = 0; i < count; i++)
        {
            if (!float.IsFinite(destination[i].AccelX) || !float.IsFinite(destination[i].AccelY) || !float.IsFinite(destination[i].AccelZ))
            {
                error = $"PMD frame sample {i} is not finite at factor {Factor}";
                count = 0;
                return false;
            }
        }

        // The header stamps the last sample. Step = time since the previous frame / N, or the nominal period.
        var stepNs = _previousTimestampNs is { } previous && timestampNs > previous
            ? (double)(timestampNs - previous) / count
            : 1e9 / SampleRateHz;
        var lastUnixNs = (double)timestampNs + Units.PolarEpochUnixNs;
        for (var i = 0; i < count; i++)
        {
            var tsUs = (long)((lastUnixNs - ((count - 1 - i) * stepNs)) / 1000.0);
            destination[i] = destination[i] with { TimestampUs = tsUs };
        }

        _previousTimestampNs = timestampNs;
        error = null;
        return true;
    }

    private bool TryDecodeRaw(byte frameType, ReadOnlySpan<byte> payload, Span<ImuSample> destination, out int count, out string? error)
    {
        count = 0;
        var width = frameType switch { 0 => 1, 1 => 2, 2 => 3, _ => 0 };
        if (width == 0)
        {
            error = $"PMD raw accelerometer frame type {frameType} is not supported";
            return false;
        }

        var sampleSize = width * channels;
        if (payload.Length % sampleSize != 0)
        {
            error = $"PMD raw frame type {frameType} payload is {payload.Length} bytes, not a multiple of {sampleSize}";
            return false;
        }

        var n = payload.Length / sampleSize;
        if (n > destination.Length)
        {
            error = $"PMD frame holds {n} samples; destination holds {destination.Length}";
            return false;
        }

        Span<int> values = stackalloc int[3];
        for (var i = 0; i < n; i++)
        {
            var sample = payload.Slice(i * sampleSize, sampleSize);
            for (var c = 0; c < Math.Min(channels, 3); c++)
            {
                values[c] = ReadSigned(sample.Slice(c * width, width));
            }

            destination[i] = ToSample(values, 1f);
        }

        count = n;
        error = null;
        return true;
    }

    private bool TryDecodeDelta(ReadOnlySpan<byte> payload, float scale, Span<ImuSample> destination, out int count, out string? error)
    {
        count = 0;
        var width = (resolutionBits + 7) / 8;
        var referenceSize = width * channels;
        if (channels is < 1 or > 3)
        {
            error = $"PMD delta frames with {channels} channels are not supported";
            return false;
        }

        if (payload.Length < referenceSize)
        {
            error = $"PMD compressed frame needs a {referenceSize}-byte reference sample, got {payload.Length} bytes";
            return false;
        }

        Span<int> current = stackalloc int[3];
        for (var c = 0; c < channels; c++)
        {
            current[c] = ReadSigned(payload.Slice(c * width, width));
        }

        if (destination.IsEmpty)
        {
            error = "PMD frame holds samples but the destination is empty";
            return false;
        }

        destination[count++] = ToSample(current, scale);
        var offset = referenceSize;
        while (offset < payload.Length)
        {
            if (payload.Length - offset < 2)
            {
                error = $"PMD delta block header truncated at byte {offset}";
                return false;
            }

            int bitWidth = payload[offset];
            int blockCount = payload[offset + 1];
            offset += 2;
            if (bitWidth is 0 or > 32)
            {
                error = $"PMD delta block bit width {bitWidth} is outside 1-32";
                return false;
            }

            var blockBytes = ((bitWidth * blockCount * channels) + 7) / 8;
            if (payload.Length - offset < blockBytes)
            {
                error = $"PMD delta block declares {blockCount} samples of {bitWidth} bits but only {payload.Length - offset} bytes follow";
                return false;
            }

            if (count + blockCount > destination.Length)
            {
                error = $"PMD frame holds more than {destination.Length} samples";
                return false;
            }

            var bits = payload.Slice(offset, blockBytes);
            var bitOffset = 0;
            for (var s = 0; s < blockCount; s++)
            {
                for (var c = 0; c < channels; c++)
                {
                    current[c] += ReadBitsSigned(bits, bitOffset, bitWidth);
                    bitOffset += bitWidth;
                }

                destination[count++] = ToSample(current, scale);
            }

            offset += blockBytes;
        }

        error = null;
        return true;
    }

    private ImuSample ToSample(ReadOnlySpan<int> milliG, float scale)
    {
        var k = scale * Units.MetresPerSecondSquaredPerMilliG;
        return new ImuSample(0,
            milliG[0] * k,
            channels > 1 ? milliG[1] * k : 0,
            channels > 2 ? milliG[2] * k : 0);
    }

    private static int ReadSigned(ReadOnlySpan<byte> bytes)
    {
        var value = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            value |= bytes[i] << (8 * i);
        }

        var shift = 32 - (8 * bytes.Length);
        return (value << shift) >> shift;
    }

    /// <summary>A two's-complement field of <paramref name="width"/> bits, read LSB-first from <paramref name="bitOffset"/>.</summary>
    private static int ReadBitsSigned(ReadOnlySpan<byte> bits, int bitOffset, int width)
    {
        long value = 0;
        for (var i = 0; i < width; i++)
        {
            var bit = bitOffset + i;
            if ((bits[bit >> 3] & (1 << (bit & 7))) != 0)
            {
                value |= 1L << i;
            }
        }

        if (width < 64 && (value & (1L << (width - 1))) != 0)
        {
            value -= 1L << width;
        }

        return (int)value;
    }

    /// <summary>Encodes samples as an uncompressed type-1 frame (3 × i16 mG), as the simulator needs.</summary>
    public static int EncodeRawFrame(ReadOnlySpan<ImuSample> samples, ulong lastTimestampNsSince2000, Span<byte> destination)
    {
        var length = HeaderLength + (samples.Length * 6);
        if (destination.Length < length)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes; {length} needed.", nameof(destination));
        }

        destination[0] = (byte)PmdMeasurementType.Acc;
        BinaryPrimitives.WriteUInt64LittleEndian(destination[1..], lastTimestampNsSince2000);
        destination[9] = 1;
        for (var i = 0; i < samples.Length; i++)
        {
            var slot = destination[(HeaderLength + (i * 6))..];
            BinaryPrimitives.WriteInt16LittleEndian(slot, ToMilliG(samples[i].AccelX));
            BinaryPrimitives.WriteInt16LittleEndian(slot[2..], ToMilliG(samples[i].AccelY));
            BinaryPrimitives.WriteInt16LittleEndian(slot[4..], ToMilliG(samples[i].AccelZ));
        }

        return length;
    }

    private static short ToMilliG(float metresPerSecondSquared) =>
        float.IsNaN(metresPerSecondSquared) ? (short)0 : (short)Math.Clamp(MathF.Round(metresPerSecondSquared / Units.MetresPerSecondSquaredPerMilliG), short.MinValue, short.MaxValue);
}
