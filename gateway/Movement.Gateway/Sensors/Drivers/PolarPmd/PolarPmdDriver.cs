using Movement.Gateway.Decoders;
using Movement.Protocol;

namespace Movement.Gateway.Sensors.Drivers;

/// <summary>Polar PMD: enable both characteristics, start ACC; keep the factor from the start response.</summary>
public sealed class PolarPmdDriver : ISensorDriver
{
    private readonly PolarAccStream _stream;
    private readonly ImuSample[] _scratch = new ImuSample[256];

    public PolarPmdDriver(int sampleRateHz)
    {
        _stream = new PolarAccStream((ushort)sampleRateHz);
        StartSequence =
        [
            new(PolarPmd.Service, PolarPmd.ControlPointCharacteristic,
                PolarPmd.StartCommand(PmdMeasurementType.Acc, new PmdAccSettings((ushort)sampleRateHz, 16, 8, 3).ToSettings())),
        ];
    }

    public string KindName => "polar-pmd";

    public IReadOnlyList<GattSubscription> Subscriptions { get; } =
    [
        new(PolarPmd.Service, PolarPmd.ControlPointCharacteristic),
        new(PolarPmd.Service, PolarPmd.DataCharacteristic),
    ];

    public IReadOnlyList<GattWrite> StartSequence { get; }

    public void Reset()
    {
        _stream.Reset();
        _stream.Factor = 1f;
    }

    public void OnNotification(Guid characteristic, ReadOnlySpan<byte> value, long receivedUs, SensorChannel channel)
    {
        if (characteristic == PolarPmd.DataCharacteristic)
        {
            if (_stream.TryDecode(value, _scratch, out var count, out var error))
            {
                channel.FrameDecoded();
                channel.AddSamples(_scratch.AsSpan(0, count));
            }
            else
            {
                channel.RejectFrame("polar pmd data", error);
            }
        }
        else if (characteristic == PolarPmd.ControlPointCharacteristic)
        {
            if (PolarPmd.TryDecodeResponse(value, out var response, out var error))
            {
                if (!response.IsSuccess && response.Status != 6)
                {
                    channel.RejectFrame("polar pmd control point", $"{response.Opcode} refused: {response.StatusText}");
                    return;
                }

                channel.FrameDecoded();
                if (response.Opcode == PmdOpcode.Start && response.Factor is { } factor)
                {
                    _stream.Factor = factor;
                }
            }
            else
            {
                channel.RejectFrame("polar pmd control point", error);
            }
        }
    }
}
