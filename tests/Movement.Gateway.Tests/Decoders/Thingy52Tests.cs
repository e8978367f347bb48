using FsCheck.Xunit;
using Movement.Gateway.Decoders;
using Movement.Protocol;

namespace Movement.Gateway.Tests.Decoders;

public class Thingy52Tests
{
    [Fact]
    public void TryDecodeRawMotion_VendorVector_IsOneGOnZ()
    {
        byte[] value = [0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

        Assert.True(Thingy52.TryDecodeRawMotion(value, 42, out var sample, out var error), error);

        Assert.Equal(42, sample.TimestampUs);
        Assert.Equal(0f, sample.AccelX);
        Assert.Equal(0f, sample.AccelY);
        Assert.Equal(9.80665f, sample.AccelZ, 4);
        Assert.Equal(0f, sample.GyroZ);
    }

    [Fact]
    public void TryDecodeRawMotion_GyroAndCompass_UseFirmwareScales()
    {
        // gyro z = 32 counts = 1 °/s; compass x = 16 counts = 1 µT; accel x = -512 = -0.5 g.
        byte[] value = [0x00, 0xFE, 0, 0, 0, 0, 0, 0, 0, 0, 0x20, 0x00, 0x10, 0x00, 0, 0, 0, 0];

        Assert.True(Thingy52.TryDecodeRawMotion(value, 0, out var sample, out _));
        Assert.True(Thingy52.TryDecodeCompass(value, out var mx, out _, out _, out _));

        Assert.Equal(-0.5f * 9.80665f, sample.AccelX, 4);
        Assert.Equal(MathF.PI / 180f, sample.GyroZ, 6);
        Assert.Equal(1f, mx);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(17)]
    [InlineData(19)]
    public void TryDecodeRawMotion_WrongLength_FailsWithReason(int length)
    {
        Assert.False(Thingy52.TryDecodeRawMotion(new byte[length], 0, out _, out var error));
        Assert.Contains("18 bytes", error);
    }

    [Fact]
    public void TryDecodeStepCounter_VendorVector_TenStepsOneSecond()
    {
        byte[] value = [0x0A, 0x00, 0x00, 0x00, 0xE8, 0x03, 0x00, 0x00];

        Assert.True(Thingy52.TryDecodeStepCounter(value, out var reading, out var error), error);

        Assert.Equal(new ThingyStepCounter(10, 1000), reading);
    }

    [Fact]
    public void MotionConfigEncode_Default_MatchesFirmwareBytes()
    {
        Assert.Equal(new byte[] { 0xE8, 0x03, 0xF4, 0x01, 0xF4, 0x01, 0x0A, 0x00, 0x01 }, ThingyMotionConfig.Default.ToBytes());
    }

    [Fact]
    public void MotionConfigEncode_FiftyHz_SetsBytesSixAndSeven()
    {
        var bytes = (ThingyMotionConfig.Default with { MotionFrequencyHz = 50 }).ToBytes();

        Assert.Equal(0x32, bytes[6]);
        Assert.Equal(0x00, bytes[7]);
    }

    [Theory]
    [InlineData(1000, 4)]
    [InlineData(1000, 201)]
    [InlineData(99, 50)]
    [InlineData(5001, 50)]
    public void MotionConfigTryValidate_OutOfRange_IsRefusedWithReason(ushort pedometerMs, ushort motionHz)
    {
        var config = ThingyMotionConfig.Default with { PedometerIntervalMs = pedometerMs, MotionFrequencyHz = motionHz };

        Assert.False(config.TryValidate(out var error));
        Assert.NotNull(error);
        Assert.Throws<ArgumentException>(() => config.ToBytes());
    }

    [Fact]
    public void MotionConfigTryDecode_EightBytes_IsRefused()
    {
        Assert.False(ThingyMotionConfig.TryDecode(new byte[8], out _, out var error));
        Assert.Contains("9 bytes", error);
    }

    [Property]
    public bool MotionConfig_ValidValues_RoundTrip(ushort pedometer, ushort temperature, ushort compass, ushort hz, bool wake)
    {
        var config = new ThingyMotionConfig((ushort)(100 + (pedometer % 4901)), (ushort)(100 + (temperature % 4901)),
            (ushort)(100 + (compass % 4901)), (ushort)(5 + (hz % 196)), wake);
        return ThingyMotionConfig.TryDecode(config.ToBytes(), out var decoded, out _) && decoded == config;
    }

    [Property]
    public void AllDecoders_RandomBytes_ExactlyOneOfPlausibleValueOrError(byte[] value)
    {
        value ??= [];
        // An i16 count at the firmware's scales: ±32 g, ±1024 °/s, ±2048 µT.
        const double maxAccel = 32 * Gravity.StandardMps2 * 1.0001;
        const double maxGyro = 1024 * Math.PI / 180 * 1.0001;

        var ok = Thingy52.TryDecodeRawMotion(value, 7, out var sample, out var error);
        DecodeOutcome.AssertExactlyOne(ok, error, () => sample.TimestampUs == 7 && sample.HasGyro && DecodeOutcome.WithinRange(sample, maxAccel, maxGyro), "raw motion");

        ok = Thingy52.TryDecodeCompass(value, out var x, out var y, out var z, out error);
        DecodeOutcome.AssertExactlyOne(ok, error, () => new[] { x, y, z }.All(v => float.IsFinite(v) && Math.Abs(v) <= 2048), "compass");

        ok = Thingy52.TryDecodeStepCounter(value, out var steps, out error);
        DecodeOutcome.AssertExactlyOne(ok, error, () =>
        {
            var again = new byte[Thingy52.StepCounterLength];
            Thingy52.EncodeStepCounter(steps, again);
            return again.AsSpan().SequenceEqual(value);
        }, "step counter");

        ok = ThingyMotionConfig.TryDecode(value, out var config, out error);
        DecodeOutcome.AssertExactlyOne(ok, error, () => config.TryValidate(out _) && config.ToBytes().AsSpan().SequenceEqual(value), "motion configuration");
    }

    [Property]
    public bool RawMotion_EncodedCounts_RoundTripExactly(short ax, short ay, short az, short gx, short gy, short gz)
    {
        var bytes = new byte[18];
        short[] counts = [ax, ay, az, gx, gy, gz];
        for (var i = 0; i < 6; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * 2), counts[i]);
        }

        Thingy52.TryDecodeRawMotion(bytes, 0, out var sample, out _);
        var again = new byte[18];
        Thingy52.EncodeRawMotion(sample, again);
        return bytes.AsSpan().SequenceEqual(again);
    }
}
