using Movement.Gateway.Decoders;
using Movement.Protocol;

namespace Movement.Gateway.Sensors.Drivers;

public static class SensorDrivers
{
    public static ISensorDriver Create(SensorRegistration registration) => registration.Kind switch
    {
        SensorKind.Thingy52 => new Thingy52Driver(registration.SampleRateHz),
        SensorKind.PolarPmd => new PolarPmdDriver(registration.SampleRateHz),
        SensorKind.Movesense => new MovesenseDriver(registration.SampleRateHz),
        SensorKind.InfiniTime => new InfiniTimeDriver(),
        SensorKind.RscFootPod => new RscDriver(),
        _ => throw new ArgumentOutOfRangeException(nameof(registration), registration.Kind, "unknown sensor kind"),
    };

    public static string KindName(SensorKind kind) => kind switch
    {
        SensorKind.Thingy52 => "thingy52",
        SensorKind.PolarPmd => "polar-pmd",
        SensorKind.Movesense => "movesense",
        SensorKind.InfiniTime => "infinitime",
        SensorKind.RscFootPod => "rsc-footpod",
        _ => "unknown",
    };
}

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
