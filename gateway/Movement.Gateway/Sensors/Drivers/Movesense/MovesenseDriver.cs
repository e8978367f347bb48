using Movement.Gateway.Decoders;
using Movement.Protocol;

namespace Movement.Gateway.Sensors.Drivers;

/// <summary>Movesense: subscribe to /Meas/Acc/&lt;rate&gt; over GSP.</summary>
public sealed class MovesenseDriver(int sampleRateHz) : ISensorDriver
{
    private const byte Reference = 0x63;
    private readonly ImuSample[] _scratch = new ImuSample[64];
    private long? _deviceToUnixOffsetUs;

    public string KindName => "movesense";

    public IReadOnlyList<GattSubscription> Subscriptions { get; } = [new(MovesenseGsp.Service, MovesenseGsp.NotifyCharacteristic)];

    public IReadOnlyList<GattWrite> StartSequence { get; } =
        [new(MovesenseGsp.Service, MovesenseGsp.WriteCharacteristic, MovesenseGsp.Subscribe(Reference, $"/Meas/Acc/{sampleRateHz}"))];

    public void Reset() => _deviceToUnixOffsetUs = null;

    public void OnNotification(Guid characteristic, ReadOnlySpan<byte> value, long receivedUs, SensorChannel channel)
    {
        if (!MovesenseGsp.TryDecodeNotification(value, out var notification, out var error))
        {
            channel.RejectFrame("movesense gsp", error);
            return;
        }

        if (notification.Kind == GspNotificationKind.Response)
        {
            if (notification.Status is < 200 or > 299)
            {
                channel.RejectFrame("movesense gsp response", $"status {notification.Status}");
            }

            return;
        }

        if (notification.Payload.Length >= 4 && _deviceToUnixOffsetUs is null)
        {
            // The device clock is ms since its boot: anchor it to our clock at the first notification.
            _deviceToUnixOffsetUs = receivedUs - (System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(notification.Payload) * 1000L);
        }

        if (MovesenseGsp.TryDecodeAcc(notification.Payload, sampleRateHz, _deviceToUnixOffsetUs ?? 0, _scratch, out var count, out _, out error))
        {
            channel.FrameDecoded();
            channel.AddSamples(_scratch.AsSpan(0, count));
        }
        else
        {
            channel.RejectFrame("movesense /Meas/Acc", error);
        }
    }
}
