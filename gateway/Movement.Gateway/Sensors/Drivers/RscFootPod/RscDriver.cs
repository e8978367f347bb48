using Movement.Gateway.Decoders;

namespace Movement.Gateway.Sensors.Drivers;

/// <summary>SIG RSC foot pod: cadence integrated into a step count.</summary>
public sealed class RscDriver : ISensorDriver
{
    private readonly CadenceStepIntegrator _integrator = new();

    public string KindName => "rsc-footpod";

    public IReadOnlyList<GattSubscription> Subscriptions { get; } = [new(RunningSpeedCadence.Service, RunningSpeedCadence.MeasurementCharacteristic)];

    public IReadOnlyList<GattWrite> StartSequence { get; } = [];

    public void Reset()
    {
    }

    public void OnNotification(Guid characteristic, ReadOnlySpan<byte> value, long receivedUs, SensorChannel channel)
    {
        if (RunningSpeedCadence.TryDecode(value, out var measurement, out var error))
        {
            channel.FrameDecoded();
            channel.ReportSteps(_integrator.Add(measurement.CadenceSpm, receivedUs), cadenceSpm: measurement.CadenceSpm);
        }
        else
        {
            channel.RejectFrame("rsc measurement", error);
        }
    }
}
