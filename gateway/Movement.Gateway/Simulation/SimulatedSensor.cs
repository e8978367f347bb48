using Movement.Gateway.Decoders;
using Movement.Gateway.Sensors;
using Movement.Gateway.Sensors.Drivers;
using Movement.Motion.Sensors;
using Movement.Motion.Sessions;
using Movement.Protocol;

namespace Movement.Gateway.Simulation;

/// <summary>
/// One simulated sensor at the radio boundary. The motion model (Movement.Motion) plays a participant through an
/// ESCAPE-pain style circuit, back to back; its samples become the vendor's GATT bytes (Thingy:52 raw motion and
/// step counter, or Polar PMD frames) and go through the vendor's driver and decoder into the sensor's channel,
/// exactly as a real sensor's notifications do.
/// </summary>
internal sealed class SimulatedSensor
{
    private readonly ISensorDriver _driver;
    private readonly SimulatorOptions _options;
    private readonly int _index;
    private readonly byte[] _notification = new byte[Thingy52.RawMotionLength];
    private readonly List<ImuSample> _pending = new(512);
    private int _sessionNumber;
    private SimulatedSession _session = null!;
    private ImuStream _stream = null!;
    private uint _stepsBefore;
    private int _strikeIndex;
    private ImuSample _lastSample;

    public SimulatedSensor(SimulatorOptions options, int index, SensorHub hub, long startUnixUs)
    {
        _options = options;
        _index = index;
        var registration = new SensorRegistration
        {
            Address = $"00:00:00:00:{index / 256:X2}:{index % 256:X2}",
            SensorId = SimulatorOptions.SensorId(index),
            Kind = options.Kind,
            Placement = Placement.Shank,
            Side = Side.Right,
            SampleRateHz = options.SampleRateHz,
        };
        _driver = SensorDrivers.Create(registration);
        Channel = hub.GetOrAdd(registration, "simulated-" + _driver.KindName);
        BatteryPct = 70 + (index * 7 % 30);
        StartSession(startUnixUs);
    }

    public SensorChannel Channel { get; }

    public int BatteryPct { get; }

    /// <summary>Emits every sample up to <paramref name="nowUs"/> as notifications; starts the next session when one ends.</summary>
    public void EmitUntil(long nowUs, byte[] frame)
    {
        _pending.Clear();
        _stream.ReadUntil(nowUs, _pending);
        if (_pending.Count > 0)
        {
            _lastSample = _pending[^1];
            Emit(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pending), frame);
        }

        if (_stream.Completed)
        {
            _stepsBefore = StepsAt(double.MaxValue);
            StartSession(Math.Max(nowUs, _lastSample.TimestampUs + 1));
        }
    }

    /// <summary>The step counter as the device would report it: heel strikes of both legs so far.</summary>
    public void EmitSteps(long nowUs)
    {
        var steps = StepsAt((nowUs - _stream.StartUnixUs) / 1e6);
        if (_driver is Thingy52Driver)
        {
            Span<byte> bytes = stackalloc byte[Thingy52.StepCounterLength];
            Thingy52.EncodeStepCounter(new ThingyStepCounter(steps, (uint)(steps * 550)), bytes);
            _driver.OnNotification(Thingy52.StepCounterCharacteristic, bytes, nowUs, Channel);
        }
        else
        {
            // Polar streams no steps over PMD: report the counter directly.
            Channel.ReportSteps(steps);
        }
    }

    private uint StepsAt(double sessionTimeS)
    {
        var strikes = _session.HeelStrikes;
        while (_strikeIndex < strikes.Count && strikes[_strikeIndex].TimeS <= sessionTimeS)
        {
            _strikeIndex++;
        }

        return _stepsBefore + (uint)_strikeIndex;
    }

    private void StartSession(long startUnixUs)
    {
        var seed = unchecked((_options.Seed * 1_000_003) + (_index * 7919) + (_sessionNumber++ * 104_729));
        var random = new Random(seed);
        var participant = ParticipantProfile.Random(random) with { Side = Side.Right };
        _session = SimulatedSession.Create(SessionPlan.Circuit(seed), participant, seed);
        _stream = _session.OpenSensor(SensorSpec.Random(random, Placement.Shank, _options.SampleRateHz) with { HasGyro = _options.Kind == SensorKind.Thingy52 }, startUnixUs, seed);
        _strikeIndex = 0;
    }

    private void Emit(ReadOnlySpan<ImuSample> samples, byte[] frame)
    {
        if (_driver is Thingy52Driver)
        {
            foreach (ref readonly var sample in samples)
            {
                Thingy52.EncodeRawMotion(sample, _notification);
                _driver.OnNotification(Thingy52.RawMotionCharacteristic, _notification, sample.TimestampUs, Channel);
            }

            return;
        }

        // Polar: frames of up to 36 samples (what fits a 251-byte MTU with type-1 samples), stamped with their last sample.
        for (var offset = 0; offset < samples.Length; offset += 36)
        {
            var chunk = samples.Slice(offset, Math.Min(36, samples.Length - offset));
            var lastNs = (ulong)((chunk[^1].TimestampUs * 1000) - Units.PolarEpochUnixNs);
            var length = PolarAccStream.EncodeRawFrame(chunk, lastNs, frame);
            _driver.OnNotification(PolarPmd.DataCharacteristic, frame.AsSpan(0, length), chunk[^1].TimestampUs, Channel);
        }
    }
}
