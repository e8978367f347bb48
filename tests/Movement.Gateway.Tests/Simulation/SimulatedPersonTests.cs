using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Movement.Gateway.Decoders;
using Movement.Gateway.Sensors;
using Movement.Gateway.Simulation;
using Movement.Motion.Sessions;
using Movement.Protocol;
using Movement.TestSupport;

namespace Movement.Gateway.Tests.Simulation;

/// <summary>A simulated person follows the class session the gateway hears: the plan's stations on its timing.</summary>
[Trait("Category", "Integration")]
public sealed class SimulatedPersonTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
    private static readonly long T0Us = T0.ToUnixTimeMilliseconds() * 1000;
    private readonly string _queueDirectory = GatewayHost.TempDirectory();
    private readonly byte[] _frame = new byte[PolarAccStream.HeaderLength + (64 * 6)];
    private EmbeddedBrokerServer _broker = null!;

    public async Task InitializeAsync() => _broker = await EmbeddedBrokerServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        Directory.Delete(_queueDirectory, recursive: true);
    }

    private static SessionState DemoSession(string station) => new()
    {
        SessionId = "s-demo",
        Active = true,
        Time = T0,
        Roster = [new RosterEntry("p-1", new SimulatorOptions().SensorId(0), Placement.Shank, Side.Right, station)],
        Stations = DemoCircuit.Stations,
        StationTimeS = DemoCircuit.StationTimeS,
        ChangeoverS = DemoCircuit.ChangeoverS,
    };

    private static IEnumerable<string> StationsVisited(SimulatedSession session) =>
        session.Truth.Segments.Where(s => s.Exercise is not (ExerciseIds.Rest or ExerciseIds.Walking)).Select(s => s.Exercise).Distinct();

    [Fact]
    public void EmitUntil_SessionListsTheSensor_FollowsItsCircuitFromTheRosterStationInPlanOrder()
    {
        using var host = GatewayHost.Build(GatewayHost.Settings(_broker.Port, _queueDirectory));
        var person = new SimulatedPerson(new SimulatorOptions { Sensors = 1 }, 0, host.Services.GetRequiredService<SensorHub>(), T0Us - 5_000_000);
        var session = DemoSession("station-3");

        person.EmitUntil(T0Us, _frame, session);

        Assert.Same(session, person.Following);
        Assert.Equal(
            [ExerciseIds.MiniSquat, ExerciseIds.StepUp, ExerciseIds.HeelRaise, ExerciseIds.KneeExtension, ExerciseIds.SitToStand],
            StationsVisited(person.Session));
        Assert.Equal(4, person.Session.Truth.Segments.Count(s => s.Exercise == ExerciseIds.Walking) - 1); // a walk after each station
    }

    [Fact]
    public void EmitUntil_SameSessionRepublished_KeepsThePlannedMotion()
    {
        using var host = GatewayHost.Build(GatewayHost.Settings(_broker.Port, _queueDirectory));
        var person = new SimulatedPerson(new SimulatorOptions { Sensors = 1 }, 0, host.Services.GetRequiredService<SensorHub>(), T0Us - 5_000_000);
        person.EmitUntil(T0Us, _frame, DemoSession("station-1"));
        var planned = person.Session;

        person.EmitUntil(T0Us + 60_000_000, _frame, DemoSession("station-1")); // the dashboard publishes it again after a reconnect

        Assert.Same(planned, person.Session);
    }

    [Fact]
    public void EmitUntil_RoundDone_PlansTheNextRoundFromTheStationThePlanSays()
    {
        using var host = GatewayHost.Build(GatewayHost.Settings(_broker.Port, _queueDirectory));
        var person = new SimulatedPerson(new SimulatorOptions { Sensors = 1, SampleRateHz = 25 }, 0, host.Services.GetRequiredService<SensorHub>(), T0Us - 5_000_000);
        var session = DemoSession("station-2");
        person.EmitUntil(T0Us, _frame, session);
        var firstRound = person.Session;

        var roundUs = (long)(5 * (DemoCircuit.StationTimeS + DemoCircuit.ChangeoverS) * 1e6);
        person.EmitUntil(T0Us + roundUs + 2_000_000, _frame, session);

        Assert.NotSame(firstRound, person.Session);
        Assert.Same(session, person.Following);
        Assert.Equal(ExerciseIds.SitToStand, StationsVisited(person.Session).First()); // round two starts where round one did
    }

    [Fact]
    public void EmitUntil_SessionEnded_StopsFollowingIt()
    {
        using var host = GatewayHost.Build(GatewayHost.Settings(_broker.Port, _queueDirectory));
        var person = new SimulatedPerson(new SimulatorOptions { Sensors = 1 }, 0, host.Services.GetRequiredService<SensorHub>(), T0Us - 5_000_000);
        person.EmitUntil(T0Us, _frame, DemoSession("station-1"));

        person.EmitUntil(T0Us + 1_000_000, _frame, DemoSession("station-1") with { Active = false });

        Assert.Null(person.Following);
    }

    [Fact]
    public async Task Simulator_HoursPass_BatteryDrainsAFewPercentAnHour()
    {
        await using var probe = await MqttProbe.ConnectAsync(_broker.ConnectionOptions(MosquittoServer.ServiceUser), "sim-battery", [Topics.AllSensorStatus("site-1")]);
        var settings = GatewayHost.Settings(_broker.Port, _queueDirectory);
        settings["Movement:Gateway:Simulator:Enabled"] = "true";
        settings["Movement:Gateway:Simulator:Sensors"] = "1";
        settings["Movement:Gateway:Simulator:SampleRateHz"] = "25";
        settings["Movement:Gateway:Simulator:BatteryDrainPctPerHour"] = "4";
        var time = new FakeTimeProvider(T0);
        using var host = GatewayHost.Build(settings, services => services.AddSingleton<TimeProvider>(time));
        await host.StartAsync();

        var first = await NextBatteryAsync(probe, _ => true);
        time.Advance(TimeSpan.FromHours(2));
        var later = await NextBatteryAsync(probe, pct => pct < first);
        await host.StopAsync();

        // 0.75–1.25 × 4 %/h for two hours, to whole percent.
        Assert.InRange(first - later, 5, 11);
    }

    private static async Task<int> NextBatteryAsync(MqttProbe probe, Func<int, bool> wanted)
    {
        while (true)
        {
            var (_, payload) = await probe.NextAsync(TimeSpan.FromSeconds(30));
            Assert.True(ProtocolJson.TryDecodeSensorStatus(payload, out var status, out var error), error);
            if (status!.Connected && status.BatteryPct is { } pct && wanted(pct))
            {
                return pct;
            }
        }
    }
}
