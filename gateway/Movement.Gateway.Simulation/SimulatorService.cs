using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Movement.Gateway.Decoders;
using Movement.Gateway.Sensors;
using Movement.Gateway.Sessions;

namespace Movement.Gateway.Simulation;

/// <summary>
/// Drives the simulated sensors in real time on the gateway's batch clock. Their bytes take the same driver,
/// decoder, batching and durable publishing path as a real sensor's (see <see cref="SimulatedPerson"/>).
/// </summary>
public sealed class SimulatorService(
    IOptions<SimulatorOptions> options,
    IOptions<GatewayOptions> gatewayOptions,
    SensorHub hub,
    SessionRoster roster,
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
        var sensors = people.SelectMany(p => p.Sensors).ToArray();
        var batteries = sensors.Select(s => s.BatteryPctAt(startUs)).ToArray();
        for (var i = 0; i < sensors.Length; i++)
        {
            sensors[i].Channel.SetLink(connected: true, batteryPct: batteries[i], rssiDbm: -60);
        }

        var frame = new byte[PolarAccStream.HeaderLength + (64 * 6)];
        using var timer = new PeriodicTimer(gatewayOptions.Value.BatchInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var nowUs = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
            // The simulated class follows the session the supervisor runs, as the gateway hears it.
            var session = roster.Current;
            foreach (var person in people)
            {
                person.EmitUntil(nowUs, frame, session);
            }

            for (var i = 0; i < sensors.Length; i++)
            {
                if (sensors[i].BatteryPctAt(nowUs) is var battery && battery != batteries[i])
                {
                    batteries[i] = battery;
                    sensors[i].Channel.SetLink(connected: true, batteryPct: battery);
                }
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
