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
