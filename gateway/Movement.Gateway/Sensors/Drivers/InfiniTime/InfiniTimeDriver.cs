using Movement.Gateway.Decoders;

namespace Movement.Gateway.Sensors.Drivers;

/// <summary>InfiniTime: step count and raw motion, notify only (nothing to write).</summary>
public sealed class InfiniTimeDriver : ISensorDriver
{
    public string KindName => "infinitime";

    public IReadOnlyList<GattSubscription> Subscriptions { get; } =
    [
        new(InfiniTime.MotionService, InfiniTime.StepCountCharacteristic),
        new(InfiniTime.MotionService, InfiniTime.RawMotionCharacteristic),
    ];

    public IReadOnlyList<GattWrite> StartSequence { get; } = [];

    public void Reset()
    {
    }

    public void OnNotification(Guid characteristic, ReadOnlySpan<byte> value, long receivedUs, SensorChannel channel)
    {
        if (characteristic == InfiniTime.StepCountCharacteristic)
        {
            if (InfiniTime.TryDecodeStepCount(value, out var steps, out var error))
            {
                channel.FrameDecoded();
                channel.ReportSteps(steps);
            }
            else
            {
                channel.RejectFrame("infinitime step count", error);
            }
        }
        else if (characteristic == InfiniTime.RawMotionCharacteristic)
        {
            if (InfiniTime.TryDecodeRawMotion(value, receivedUs, out var sample, out var error))
            {
                channel.FrameDecoded();
                channel.AddSample(sample);
            }
            else
            {
                channel.RejectFrame("infinitime raw motion", error);
            }
        }
    }
}
