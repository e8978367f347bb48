using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Movement.Protocol.Tests;

public class SampleBatchCodecTests
{
    private static SampleBatch MakeBatch(int count, bool gyro, long start = 1_764_000_000_000_000, uint sequence = 7)
    {
        var samples = new ImuSample[count];
        for (var i = 0; i < count; i++)
        {
            samples[i] = gyro
                ? new ImuSample(start + (i * 10_000) + (i % 3), i * 0.5f, -9.81f, 0.125f, 0.01f * i, -0.2f, 3.5f)
                : new ImuSample(start + (i * 10_000), i * 0.5f, -9.81f, 0.125f);
        }

        return new SampleBatch(sequence, 100f, gyro, samples);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(10, true)]
    [InlineData(SampleBatchCodec.MaxSamples, true)]
    public void Encode_ThenDecode_ReturnsSameBatch(int count, bool gyro)
    {
        var batch = MakeBatch(count, gyro);

        var bytes = SampleBatchCodec.Encode(batch);

        Assert.True(SampleBatchCodec.TryDecode(bytes, out var decoded, out var error), error);
        Assert.True(batch.ContentEquals(decoded!));
        Assert.Equal(SampleBatchCodec.HeaderSize + (count * SampleBatchCodec.SampleSize(gyro)), bytes.Length);
    }

    [Fact]
    public void Encode_KnownBatch_ProducesDocumentedLayout()
    {
        var batch = new SampleBatch(0x01020304, 50f, false, [new ImuSample(1_000_000, 1f, 2f, 3f), new ImuSample(1_020_000, 0f, 0f, -9.5f)]);

        var bytes = SampleBatchCodec.Encode(batch);

        Assert.Equal(1, bytes[0]);
        Assert.Equal(0, bytes[1]);
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(2)));
        Assert.Equal(50f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4)));
        Assert.Equal(0x01020304u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(1_000_000L, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(12)));
        Assert.Equal(20_000u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(24 + 16)));
        Assert.Equal(-9.5f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(24 + 16 + 12)));
    }

    [Fact]
    public void TryDecode_IntoSpan_DoesNotAllocate()
    {
        var bytes = SampleBatchCodec.Encode(MakeBatch(64, true));
        var destination = new ImuSample[64];
        SampleBatchCodec.TryDecode(bytes, destination, out _, out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var ok = SampleBatchCodec.TryDecode(bytes, destination, out var header, out _);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(ok);
        Assert.Equal(64, header.Count);
        Assert.Equal(0, allocated);
    }

    public static TheoryData<string, byte[], string> Malformed()
    {
        var good = SampleBatchCodec.Encode(MakeBatch(3, true));
        byte[] With(Action<byte[]> change)
        {
            var copy = (byte[])good.Clone();
            change(copy);
            return copy;
        }

        return new TheoryData<string, byte[], string>
        {
            { "empty", [], "shorter than" },
            { "header only", good[..SampleBatchCodec.HeaderSize], "need" },
            { "truncated sample", good[..^1], "need" },
            { "trailing byte", [.. good, 0], "need" },
            { "version 2", With(b => b[0] = 2), "version" },
            { "unknown flag", With(b => b[1] |= 0x80), "flag" },
            { "zero count", With(b => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(2), 0)), "count" },
            { "negative rate", With(b => BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(4), -1f)), "rate" },
            { "NaN rate", With(b => BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(4), float.NaN)), "rate" },
            { "time goes back", With(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(24 + 28), 0xFFFFFFF0)), "" },
            { "infinite value", With(b => BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(24 + 4), float.PositiveInfinity)), "finite" },
        };
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void TryDecode_Malformed_ReturnsFalseWithReason(string name, byte[] payload, string reasonFragment)
    {
        var ok = SampleBatchCodec.TryDecode(payload, out var batch, out var error);

        Assert.False(ok, name);
        Assert.Null(batch);
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.Contains(reasonFragment, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryDecode_OffsetsGoingBackwards_IsRejected()
    {
        var bytes = SampleBatchCodec.Encode(MakeBatch(3, false));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(24 + 16 + 16), 1); // third before second

        Assert.False(SampleBatchCodec.TryDecode(bytes, out _, out var error));
        Assert.Contains("backwards", error, StringComparison.Ordinal);
    }

    private static Arbitrary<SampleBatch> Batches() =>
        (from count in Gen.Choose(1, 200)
         from gyro in ArbMap.Default.GeneratorFor<bool>()
         from start in Gen.Choose(0, int.MaxValue).Select(s => (long)s * 1_000_000)
         from sequence in ArbMap.Default.GeneratorFor<uint>()
         from rate in Gen.Choose(25, 200).Select(r => (float)r)
         from steps in Gen.ArrayOf(Gen.Choose(0, 100_000), count)
         from values in Gen.ArrayOf(Gen.Choose(-2_000_000, 2_000_000).Select(v => v / 1000f), count * 6)
         select Build(count, gyro, start, sequence, rate, steps, values)).ToArbitrary();

    private static SampleBatch Build(int count, bool gyro, long start, uint sequence, float rate, int[] steps, float[] values)
    {
        var samples = new ImuSample[count];
        var t = start;
        for (var i = 0; i < count; i++)
        {
            t += steps[i];
            var v = values.AsSpan(i * 6, 6);
            samples[i] = gyro ? new ImuSample(t, v[0], v[1], v[2], v[3], v[4], v[5]) : new ImuSample(t, v[0], v[1], v[2]);
        }

        return new SampleBatch(sequence, rate, gyro, samples);
    }

    [Property(MaxTest = 300)]
    public Property EncodeDecode_AnyValidBatch_RoundTrips() =>
        Prop.ForAll(Batches(), batch =>
            SampleBatchCodec.TryDecode(SampleBatchCodec.Encode(batch), out var decoded, out _) && batch.ContentEquals(decoded!));

    [Property(MaxTest = 1000)]
    public bool TryDecode_RandomBytes_NeverThrows(byte[] payload)
    {
        SampleBatchCodec.TryDecode(payload, out var batch, out var error);
        return batch is not null ^ error is not null;
    }

    [Property(MaxTest = 300)]
    public Property TryDecode_AnyTruncation_IsRejected() =>
        Prop.ForAll(Batches(), Gen.Choose(1, 10_000).ToArbitrary(), (batch, cut) =>
        {
            var bytes = SampleBatchCodec.Encode(batch);
            var length = cut % bytes.Length;
            return !SampleBatchCodec.TryDecode(bytes.AsSpan(0, length), out _, out _);
        });
}
