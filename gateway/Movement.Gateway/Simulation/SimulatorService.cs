using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Movement.Gateway.Decoders;
using Movement.Gateway.Sensors;
using Movement.Gateway.Sensors.Drivers;
using Movement.Protocol;

namespace Movement.Gateway.Simulation;

/// <summary>
/// Simulated sensors at the radio boundary: each turns the motion model's samples into the vendor's GATT bytes
/// (Thingy:52 raw-motion and step-counter notifications, or Polar PMD frames) and hands them to the same driver,
/// decoder, batching and publishing path a real sensor's notifications take.
/// </summary>
public sealed class SimulatorService(
    IOptions<SimulatorOptions> options,
    IOptions<GatewayOptions> gatewayOptions,
    SensorHub hub,
    TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var simulator = options.Value;
        if (!simulator.Enabled)
        {
            return;
        }

        var gateway = gatewayOptions.Value;
        var sensors = Enumerable.Range(0, simulator.Sensors)
            .Select(i => new SimulatedSensor(simulator, i, hub))
            .ToArray();
        var periodUs = 1_000_000L / simulator.SampleRateHz;
        var startUs = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        var nextSampleUs = startUs;
        var nextStepsUs = startUs;
        foreach (var sensor in sensors)
        {
            sensor.Channel.SetLink(connected: true, batteryPct: 80 + (int)(sensor.Model.PhaseOffsetSeconds % 20), rssiDbm: -60);
        }

        var frame = new byte[PolarAccStream.HeaderLength + (SampleBatchCodec.MaxSamples * 6)];
        var samples = new ImuSample[SampleBatchCodec.MaxSamples];
        using var timer = new PeriodicTimer(gateway.BatchInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var nowUs = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
            var count = (int)Math.Min((nowUs - nextSampleUs) / periodUs, SampleBatchCodec.MaxSamples);
            if (count <= 0)
            {
                continue;
            }

            foreach (var sensor in sensors)
            {
                for (var i = 0; i < count; i++)
                {
                    var ts = nextSampleUs + (i * periodUs);
                    samples[i] = sensor.Model.Sample(ts, (ts - startUs) / 1e6);
                }

                sensor.Emit(samples.AsSpan(0, count), frame);
            }

            nextSampleUs += count * periodUs;
            if (nowUs >= nextStepsUs)
            {
                nextStepsUs = nowUs + (long)simulator.StepReportInterval.TotalMicroseconds;
                foreach (var sensor in sensors)
                {
                    sensor.EmitSteps(nowUs);
                }
            }
        }
    }

    private sealed class SimulatedSensor
    {
        private readonly ISensorDriver _driver;
        private readonly byte[] _notification = new byte[Thingy52.RawMotionLength];
        private readonly Random _steps;
        private uint _stepsTotal;
        private uint _walkingMs;

        public SimulatedSensor(SimulatorOptions options, int index, SensorHub hub)
        {
            var registration = new SensorRegistration
            {
                Address = $"00:00:00:00:{index / 256:X2}:{index % 256:X2}",
                SensorId = SimulatorOptions.SensorId(index),
                Kind = options.Kind,
                Placement = Placement.Shank,
                Side = index % 2 == 0 ? Side.Right : Side.Left,
                SampleRateHz = options.SampleRateHz,
            };
            _driver = SensorDrivers.Create(registration);
            Model = new SimulatedKneeSensor(registration.SensorId, (options.Seed * 1000) + index);
            Channel = hub.GetOrAdd(registration, "simulated-" + _driver.KindName);
            _steps = new Random((options.Seed * 7919) + index);
        }

        public SimulatedKneeSensor Model { get; }

        public SensorChannel Channel { get; }

        /// <summary>The samples as the vendor's notifications, through the vendor's decoder.</summary>
        public void Emit(ReadOnlySpan<ImuSample> samples, byte[] frame)
        {
            if (_driver is Thingy52Driver)
            {
                foreach (ref readonly var sample in samples)
                {
                    Thingy52.EncodeRawMotion(sample, _notification);
                    _driver.OnNotification(Thingy52.RawMotionCharacteristic, _notification, sample.TimestampUs, Channel);
                }
            }
            else
            {
                var lastNs = (ulong)((samples[^1].TimestampUs * 1000) - Units.PolarEpochUnixNs);
                var length = PolarAccStream.EncodeRawFrame(samples, lastNs, frame);
                _driver.OnNotification(PolarPmd.DataCharacteristic, frame.AsSpan(0, length), samples[^1].TimestampUs, Channel);
            }
        }

        public void EmitSteps(long nowUs)
        {
            var added = (uint)_steps.Next(0, 6);
            _stepsTotal += added;
            _walkingMs += added * 550;
            if (_driver is Thingy52Driver)
            {
                Span<byte> bytes = stackalloc byte[Thingy52.StepCounterLength];
                Thingy52.EncodeStepCounter(new ThingyStepCounter(_stepsTotal, _walkingMs), bytes);
                _driver.OnNotification(Thingy52.StepCounterCharacteristic, bytes, nowUs, Channel);
            }
            else
            {
                // Polar streams no steps over PMD: report the counter directly.
                Channel.ReportSteps(_stepsTotal, _walkingMs);
            }
        }
    }
}
