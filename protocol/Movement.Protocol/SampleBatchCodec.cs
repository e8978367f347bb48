using System.Buffers.Binary;

namespace Movement.Protocol;

/// <summary>
/// Binary encoding of <see cref="SampleBatch"/> (format version 1, little-endian). Layout in docs/mqtt.md:
/// a 24-byte header (version, flags, count, rate, sequence, first timestamp) then per sample a u32 µs offset
/// from the first timestamp, three f32 accelerometer values and, when flagged, three f32 gyroscope values.
/// Offsets per sample keep real timestamps through batching, jitter included.
/// </summary>
public static class SampleBatchCodec
{
    public const byte FormatVersion = 1;
    public const int HeaderSize = 24;
    public const int MaxSamples = 4096;
    private const byte FlagGyro = 0x01;
    private const byte KnownFlags = FlagGyro;

    public static int SampleSize(bool hasGyro) => hasGyro ? 28 : 16;

    public static int GetEncodedLength(SampleBatch batch) => HeaderSize + (batch.Samples.Length * SampleSize(batch.HasGyro));

    public static byte[] Encode(SampleBatch batch)
    {
        var buffer = new byte[GetEncodedLength(batch)];
        var written = Encode(batch, buffer);
        return written == buffer.Length ? buffer : buffer[..written];
    }

    /// <summary>Writes the batch into <paramref name="destination"/> and returns the byte count.</summary>
    public static int Encode(SampleBatch batch, Span<byte> destination)
    {
        var samples = batch.Samples;
        if (samples.Length is 0 or > MaxSamples)
        {
            throw new ArgumentException($"A batch holds 1 to {MaxSamples} samples, not {samples.Length}.", nameof(batch));
        }

        if (!(batch.SampleRateHz > 0 && float.IsFinite(batch.SampleRateHz)))
        {
            throw new ArgumentException($"Sample rate must be positive and finite, not {batch.SampleRateHz}.", nameof(batch));
        }

        var length = GetEncodedLength(batch);
        if (destination.Length < length)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes; {length} needed.", nameof(destination));
        }

        var first = samples[0].TimestampUs;
        destination[0] = FormatVersion;
        destination[1] = batch.HasGyro ? FlagGyro : (byte)0;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], (ushort)samples.Length);
        BinaryPrimitives.WriteSingleLittleEndian(destination[4..], batch.SampleRateHz);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], batch.Sequence);
        BinaryPrimitives.WriteInt64LittleEndian(destination[12..], first);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[20..], 0); // reserved

        var offset = HeaderSize;
        foreach (ref readonly var sample in samples.AsSpan())
        {
            var delta = sample.TimestampUs - first;
            if (delta is < 0 or > uint.MaxValue)
            {
                throw new ArgumentException("Sample timestamps must not decrease and must span less than 71 minutes.", nameof(batch));
            }

            var slot = destination.Slice(offset, SampleSize(batch.HasGyro));
            BinaryPrimitives.WriteUInt32LittleEndian(slot, (uint)delta);
            BinaryPrimitives.WriteSingleLittleEndian(slot[4..], sample.AccelX);
            BinaryPrimitives.WriteSingleLittleEndian(slot[8..], sample.AccelY);
            BinaryPrimitives.WriteSingleLittleEndian(slot[12..], sample.AccelZ);
            if (batch.HasGyro)
            {
                BinaryPrimitives.WriteSingleLittleEndian(slot[16..], sample.GyroX);
                BinaryPrimitives.WriteSingleLittleEndian(slot[20..], sample.GyroY);
                BinaryPrimitives.WriteSingleLittleEndian(slot[24..], sample.GyroZ);
            }

            offset += slot.Length;
        }

        return length;
    }

    /// <summary>Reads the header only: how many samples a payload holds, without decoding them.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> payload, out SampleBatchHeader header, out string? error)
    {
        header = default;
        if (payload.Length < HeaderSize)
        {
            error = $"payload is {payload.Length} bytes, shorter than the {HeaderSize}-byte header";
            return false;
        }

        if (payload[0] != FormatVersion)
        {
            error = $"unsupported format version {payload[0]} (expected {FormatVersion})";
            return false;
        }

        var flags = payload[1];
        if ((flags & ~KnownFlags) != 0)
        {
            error = $"unknown flag bits 0x{flags & ~KnownFlags:X2}";
            return false;
        }

        var count = BinaryPrimitives.ReadUInt16LittleEndian(payload[2..]);
        var rate = BinaryPrimitives.ReadSingleLittleEndian(payload[4..]);
        if (count is 0 or > MaxSamples)
        {
            error = $"sample count {count} is outside 1..{MaxSamples}";
            return false;
        }

        if (!(rate > 0 && rate <= 100_000 && float.IsFinite(rate)))
        {
            error = $"sample rate {rate} Hz is not a positive finite rate";
            return false;
        }

        var hasGyro = (flags & FlagGyro) != 0;
        var expected = HeaderSize + (count * SampleSize(hasGyro));
        if (payload.Length != expected)
        {
            error = $"payload is {payload.Length} bytes but {count} samples{(hasGyro ? " with gyroscope" : "")} need {expected}";
            return false;
        }

        header = new SampleBatchHeader(
            BinaryPrimitives.ReadUInt32LittleEndian(payload[8..]), rate, hasGyro, count,
            BinaryPrimitives.ReadInt64LittleEndian(payload[12..]));
        error = null;
        return true;
    }

    /// <summary>Decodes into a caller-owned span (no allocation). <paramref name="destination"/> must hold header.Count samples.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> payload, Span<ImuSample> destination, out SampleBatchHeader header, out string? error)
    {
        if (!TryReadHeader(payload, out header, out error))
        {
            return false;
        }

        if (destination.Length < header.Count)
        {
            error = $"destination holds {destination.Length} samples; {header.Count} needed";
            return false;
        }

        var size = SampleSize(header.HasGyro);
        long previousOffset = -1;
        for (var i = 0; i < header.Count; i++)
        {
            var slot = payload.Slice(HeaderSize + (i * size), size);
            long delta = BinaryPrimitives.ReadUInt32LittleEndian(slot);
            if (delta < previousOffset)
            {
                error = $"sample {i} time offset {delta} µs goes backwards from {previousOffset} µs";
                return false;
            }

            previousOffset = delta;
            var ax = BinaryPrimitives.ReadSingleLittleEndian(slot[4..]);
            var ay = BinaryPrimitives.ReadSingleLittleEndian(slot[8..]);
            var az = BinaryPrimitives.ReadSingleLittleEndian(slot[12..]);
            float gx = float.NaN, gy = float.NaN, gz = float.NaN;
            if (header.HasGyro)
            {
                gx = BinaryPrimitives.ReadSingleLittleEndian(slot[16..]);
                gy = BinaryPrimitives.ReadSingleLittleEndian(slot[20..]);
                gz = BinaryPrimitives.ReadSingleLittleEndian(slot[24..]);
            }

            if (!float.IsFinite(ax) || !float.IsFinite(ay) || !float.IsFinite(az) ||
                (header.HasGyro && (!float.IsFinite(gx) || !float.IsFinite(gy) || !float.IsFinite(gz))))
            {
                error = $"sample {i} holds a value that is not a finite number";
                return false;
            }

            destination[i] = new ImuSample(header.FirstTimestampUs + delta, ax, ay, az, gx, gy, gz);
        }

        return true;
    }

    public static bool TryDecode(ReadOnlySpan<byte> payload, out SampleBatch? batch, out string? error)
    {
        batch = null;
        if (!TryReadHeader(payload, out var header, out error))
        {
            return false;
        }

        var samples = new ImuSample[header.Count];
        if (!TryDecode(payload, samples, out header, out error))
        {
            return false;
        }

        batch = new SampleBatch(header.Sequence, header.SampleRateHz, header.HasGyro, samples);
        return true;
    }
}

public readonly record struct SampleBatchHeader(uint Sequence, float SampleRateHz, bool HasGyro, int Count, long FirstTimestampUs);
