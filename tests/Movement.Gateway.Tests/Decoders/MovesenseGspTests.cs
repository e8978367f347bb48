using System.Buffers.Binary;
using System.Text;
using FsCheck.Xunit;
using Movement.Gateway.Decoders;
using Movement.Protocol;

namespace Movement.Gateway.Tests.Decoders;

public class MovesenseGspTests
{
    [Fact]
    public void Subscribe_AccAt13Hz_MatchesDocumentedBytes()
    {
        var command = MovesenseGsp.Subscribe(0x63, "/Meas/Acc/13");

        Assert.Equal([0x01, 0x63, .. Encoding.ASCII.GetBytes("/Meas/Acc/13")], command);
    }

    [Fact]
    public void Subscribe_ReferenceZero_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MovesenseGsp.Subscribe(0, "/Meas/Acc/13"));
    }

    [Fact]
    public void TryDecodeNotification_Response_ReadsStatus()
    {
        Assert.True(MovesenseGsp.TryDecodeNotification([0x01, 0x63, 0xC8, 0x00], out var notification, out var error), error);

        Assert.Equal(GspNotificationKind.Response, notification.Kind);
        Assert.Equal(0x63, notification.Reference);
        Assert.Equal(200, notification.Status);
    }

    [Fact]
    public void TryDecodeAcc_TwoSamples_StampsAtSampleRate()
    {
        var payload = new byte[4 + 24];
        BinaryPrimitives.WriteUInt32LittleEndian(payload, 1000);
        float[] values = [0.1f, 0.2f, 9.8f, 0.3f, 0.4f, 9.7f];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(payload.AsSpan(4 + (i * 4)), values[i]);
        }

        byte[] notification = [0x02, 0x63, .. payload];
        Assert.True(MovesenseGsp.TryDecodeNotification(notification, out var data, out _));
        var samples = new ImuSample[4];

        Assert.True(MovesenseGsp.TryDecodeAcc(data.Payload, 13, 5_000_000, samples, out var count, out var deviceMs, out var error), error);

        Assert.Equal(2, count);
        Assert.Equal(1000u, deviceMs);
        Assert.Equal(new ImuSample(6_000_000, 0.1f, 0.2f, 9.8f), samples[0]);
        Assert.Equal(new ImuSample(6_000_000 + (1_000_000 / 13), 0.3f, 0.4f, 9.7f), samples[1]);
    }

    [Fact]
    public void TryDecodeAcc_PartialSample_FailsWithReason()
    {
        Assert.False(MovesenseGsp.TryDecodeAcc(new byte[4 + 13], 13, 0, new ImuSample[4], out _, out _, out var error));
        Assert.Contains("multiple of 12", error);
    }

    [Property]
    public void AllGspDecoders_RandomBytes_ExactlyOneOfPlausibleValueOrError(byte[] value, int rate)
    {
        value ??= [];
        var destination = new ImuSample[16];
        for (var length = 0; length <= value.Length; length++)
        {
            var slice = value.AsSpan(0, length).ToArray();
            var ok = MovesenseGsp.TryDecodeNotification(slice, out var notification, out var error);
            // A notification is a ref struct (a view of the bytes): judged here, not in a lambda.
            var plausible = ok && notification.Kind is GspNotificationKind.Response or GspNotificationKind.Data
                && notification.Reference == slice[1] && notification.Payload.Length < slice.Length;
            byte[] payload = ok ? notification.Payload.ToArray() : [];
            DecodeOutcome.AssertExactlyOne(ok, error, () => plausible, "GSP notification");
            if (ok)
            {
                AssertAcc(payload, rate, destination);
            }

            AssertAcc(slice, rate, destination);
        }
    }

    private static void AssertAcc(byte[] payload, int rate, ImuSample[] destination)
    {
        var ok = MovesenseGsp.TryDecodeAcc(payload, rate, 0, destination, out var count, out var deviceMs, out var error);
        DecodeOutcome.AssertExactlyOne(ok, error, () => rate > 0 && count >= 1 && count <= destination.Length && count == (payload.Length - 4) / 12
            && destination.Take(count).All(s => float.IsFinite(s.AccelX) && float.IsFinite(s.AccelY) && float.IsFinite(s.AccelZ)
                && !s.HasGyro && s.TimestampUs >= deviceMs * 1000L), "GSP /Meas/Acc");
    }
}

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

        ok = BatteryLevel.TryDecode(value, out var percent, out error);
        DecodeOutcome.AssertExactlyOne(ok, error, () => percent <= 100 && percent == value[0], "battery level");

        ok = RunningSpeedCadence.TryDecode(value, out var rsc, out error);
        DecodeOutcome.AssertExactlyOne(ok, error, () => rsc.SpeedMps is >= 0 and < 256 && rsc.StrideM is null or (>= 0 and < 656)
            && rsc.TotalDistanceM is null or (>= 0 and < 429_496_730), "RSC measurement");
    }
}

public class RunningSpeedCadenceTests
{
    [Fact]
    public void TryDecode_NordicLibraryVector_ReadsAllFields()
    {
        byte[] value = [0x07, 0x00, 0x03, 0x12, 0x56, 0x00, 0x01, 0x00, 0x00, 0xF0];

        Assert.True(RunningSpeedCadence.TryDecode(value, out var m, out var error), error);

        Assert.True(m.IsRunning);
        Assert.Equal(3.0, m.SpeedMps);
        Assert.Equal(18, m.CadenceSpm);
        Assert.Equal(0.86, m.StrideM);
        Assert.Equal(0xF0000001 / 10.0, m.TotalDistanceM);
    }

    [Fact]
    public void TryDecode_FlagsSayStrideButItIsMissing_FailsWithReason()
    {
        Assert.False(RunningSpeedCadence.TryDecode([0x01, 0x00, 0x03, 0x12], out _, out var error));
        Assert.Contains("6 bytes", error);
    }

    [Fact]
    public void CadenceStepIntegrator_SixtySpmForTenSeconds_CountsTenSteps()
    {
        var integrator = new CadenceStepIntegrator();
        for (var s = 0; s <= 10; s++)
        {
            integrator.Add(60, s * 1_000_000L);
        }

        Assert.Equal(10, integrator.StepsTotal);
    }

    [Fact]
    public void CadenceStepIntegrator_LongGap_CountsOnlyMaxGap()
    {
        var integrator = new CadenceStepIntegrator { MaxGap = TimeSpan.FromSeconds(5) };
        integrator.Add(120, 0);

        Assert.Equal(10, integrator.Add(120, 60_000_000));
    }
}

public class BatteryLevelTests
{
    [Theory]
    [InlineData(new byte[] { 57 }, true)]
    [InlineData(new byte[] { 101 }, false)]
    [InlineData(new byte[] { }, false)]
    [InlineData(new byte[] { 50, 1 }, false)]
    public void TryDecode_Value_AcceptsOnlyOneBytePercent(byte[] value, bool expected)
    {
        Assert.Equal(expected, BatteryLevel.TryDecode(value, out _, out var error));
        Assert.Equal(expected, error is null);
    }
}
