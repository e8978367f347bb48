using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Movement.Gateway.Publishing;
using Movement.Protocol;

namespace Movement.Gateway.Simulation;

/// <summary>Drives the simulated sensors on the gateway's batch clock and hands their batches to the publisher.</summary>
public sealed class SimulatorService(
    IOptions<SimulatorOptions> options,
    IOptions<GatewayOptions> gatewayOptions,
    GatewayPublisher publisher,
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
            .Select(i => new SimulatedKneeSensor(SimulatorOptions.SensorId(i), simulator.Seed * 1000 + i))
            .ToArray();
        var periodUs = 1_000_000L / simulator.SampleRateHz;
        var startUs = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        var nextSampleUs = startUs;
        var nextStepsUs = startUs;

        foreach (var sensor in sensors)
        {
            publisher.Enqueue(StatusMessage(gateway, sensor, connected: true));
        }

        using var timer = new PeriodicTimer(gateway.BatchInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var nowUs = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
            var count = (int)((nowUs - nextSampleUs) / periodUs);
            if (count <= 0)
            {
                continue;
            }

            count = Math.Min(count, SampleBatchCodec.MaxSamples);
            foreach (var sensor in sensors)
            {
                var samples = new ImuSample[count];
                for (var i = 0; i < count; i++)
                {
                    var ts = nextSampleUs + (i * periodUs);
                    samples[i] = sensor.Sample(ts, (ts - startUs) / 1e6);
                }

                var batch = new SampleBatch(sensor.NextSequence++, simulator.SampleRateHz, HasGyro: true, samples);
                publisher.Enqueue(new OutgoingMessage(Topics.SensorSamples(gateway.Site, sensor.SensorId), SampleBatchCodec.Encode(batch), Retain: false));
            }

            nextSampleUs += count * periodUs;
            if (nowUs >= nextStepsUs)
            {
                nextStepsUs = nowUs + (long)simulator.StepReportInterval.TotalMicroseconds;
                foreach (var sensor in sensors)
                {
                    sensor.StepsTotal += Random.Shared.Next(0, 6);
                    var reading = new StepReading { Sensor = sensor.SensorId, Time = time.GetUtcNow(), StepsTotal = sensor.StepsTotal };
                    publisher.Enqueue(new OutgoingMessage(Topics.SensorSteps(gateway.Site, sensor.SensorId), ProtocolJson.Encode(reading), Retain: false));
                }
            }
        }
    }

    private OutgoingMessage StatusMessage(GatewayOptions gateway, SimulatedKneeSensor sensor, bool connected) => new(
        Topics.SensorStatus(gateway.Site, sensor.SensorId),
        ProtocolJson.Encode(new SensorStatus
        {
            Sensor = sensor.SensorId,
            Gateway = gateway.GatewayId,
            Kind = "simulated-thingy52",
            Connected = connected,
            Time = time.GetUtcNow(),
            Placement = Placement.Shank,
            Side = Side.Right,
            BatteryPct = 80 + (int)(sensor.PhaseOffsetSeconds % 20),
            RssiDbm = -60,
        }),
        Retain: true);
}
