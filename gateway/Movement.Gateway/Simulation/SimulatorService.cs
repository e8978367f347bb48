using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Movement.Gateway.Decoders;
using Movement.Gateway.Sensors;

namespace Movement.Gateway.Simulation;

/// <summary>
/// Drives the simulated sensors in real time on the gateway's batch clock. Their bytes take the same driver,
/// decoder, batching and durable publishing path as a real sensor's (see <see cref="SimulatedPerson"/>).
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

        // Building the sessions takes a moment: do not hold up the host's start.
        await Task.Yield();
        var startUs = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        var people = Enumerable.Range(0, simulator.Sensors)
            .Select(i => new SimulatedPerson(simulator, i, hub, startUs))
            .ToArray();
        var nextStepsUs = startUs;
        foreach (var sensor in people.SelectMany(p => p.Sensors))
        {
            sensor.Channel.SetLink(connected: true, batteryPct: sensor.BatteryPct, rssiDbm: -60);
        }

        var frame = new byte[PolarAccStream.HeaderLength + (64 * 6)];
        using var timer = new PeriodicTimer(gatewayOptions.Value.BatchInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var nowUs = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
            foreach (var person in people)
            {
                person.EmitUntil(nowUs, frame);
            }

            if (nowUs >= nextStepsUs)
            {
                nextStepsUs = nowUs + (long)simulator.StepReportInterval.TotalMicroseconds;
                foreach (var person in people)
                {
                    person.EmitSteps(nowUs);
                }
            }
        }
    }
}
