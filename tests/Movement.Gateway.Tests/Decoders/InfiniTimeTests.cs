using System.Buffers.Binary;
using FsCheck.Xunit;
using Movement.Gateway.Decoders;
using Movement.Protocol;

namespace Movement.Gateway.Tests.Decoders;

public class InfiniTimeTests
{
    [Fact]
    public void TryDecodeStepCount_LittleEndian_ReadsU32()
    {
        Assert.True(InfiniTime.TryDecodeStepCount([0x10, 0x27, 0x00, 0x00], out var steps, out _));
        Assert.Equal(10_000u, steps);
    }

    [Fact]
    public void TryDecodeRawMotion_1024Counts_IsOneG()
    {
        Assert.True(InfiniTime.TryDecodeRawMotion([0x00, 0x00, 0x00, 0x00, 0x00, 0x04], 7, out var sample, out _));
        Assert.Equal(9.80665f, sample.AccelZ, 4);
        Assert.False(sample.HasGyro);
    }

    [Property]
    public void Decoders_RandomBytes_ExactlyOneOfPlausibleValueOrError(byte[] value)
    {
        value ??= [];
        var ok = InfiniTime.TryDecodeStepCount(value, out var steps, out var error);
        DecodeOutcome.AssertExactlyOne(ok, error, () => value.Length == 4 && steps == BinaryPrimitives.ReadUInt32LittleEndian(value), "InfiniTime step count");

        ok = InfiniTime.TryDecodeRawMotion(value, 7, out var sample, out error);
        // An i16 count at 1024 counts per g: ±32 g, and no gyroscope on a PineTime.
        DecodeOutcome.AssertExactlyOne(ok, error, () => sample.TimestampUs == 7 && !sample.HasGyro
            && DecodeOutcome.WithinRange(sample, 32 * Gravity.StandardMps2 * 1.0001, 0), "InfiniTime raw motion");
    }
}
