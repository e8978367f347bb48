using Movement.Gateway.Decoders;

namespace Movement.Gateway.Sensors.Drivers;

/// <summary>Thingy:52: configure the motion rate, then raw motion (one sample per notification) and the step counter.</summary>
public sealed class Thingy52Driver(int sampleRateHz) : ISensorDriver
{
    public string KindName => "thingy52";

    public IReadOnlyList<GattSubscription> Subscriptions { get; } =
    [
        new(Thingy52.MotionService, Thingy52.RawMotionCharacteristic),
        new(Thingy52.MotionService, Thingy52.StepCounterCharacteristic),
    ];

    public IReadOnlyList<GattWrite> StartSequence { get; } =
    [
        new(Thingy52.MotionService, Thingy52.ConfigCharacteristic,
            (ThingyMotionConfig.Default with { MotionFrequencyHz = (ushort)sampleRateHz }).ToBytes()),
    ];

    public void Reset()
    {
    }

    public void OnNotification(Guid characteristic, ReadOnlySpan<byte> value, long receivedUs, SensorChannel channel)
    {
        if (characteristic == Thingy52.RawMotionCharacteristic)
        {
            if (Thingy52.TryDecodeRawMotion(value, receivedUs, out var sample, out var error))
            {
                channel.FrameDecoded();
                channel.AddSample(sample);
            }
            else
            {
                channel.RejectFrame("thingy52 raw motion", error);
            }
        }
        else if (characteristic == Thingy52.StepCounterCharacteristic)
        {
            if (Thingy52.TryDecodeStepCounter(value, out var steps, out var error))
            {
                channel.FrameDecoded();
                channel.ReportSteps(steps.Steps, steps.WalkingTimeMs);
            }
            else
            {
                channel.RejectFrame("thingy52 step counter", error);
            }
        }
    }
}
