using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Movement.Dashboard.Live;
using Movement.Protocol;
using Movement.TestSupport;

namespace Movement.System.Tests;

/// <summary>
/// The README's single-box default, in-process: embedded broker, simulator, classifier, recorder and dashboard.
/// Simulated repetitions must pass through the real broker and reach the dashboard's live state and page.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SingleBoxTests : IAsyncLifetime
{
    private readonly int _brokerPort = FreePort.Next();
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("movement-system-").FullName;
    private WebApplicationFactory<Program>? _factory;

    public Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            // The factory's default is Development; users run the default, Production.
            builder.UseEnvironment(Environments.Production);
            builder.UseSetting("Movement:Broker:Port", _brokerPort.ToString(global::System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Movement:Mqtt:Port", _brokerPort.ToString(global::System.Globalization.CultureInfo.InvariantCulture));
            // Every file the single box writes goes to this test's own directory: a database left by an earlier run
            // would carry its cohort's used-up sessions into this one.
            builder.UseSetting("Movement:Store:SqlitePath", Path.Combine(_dataDirectory, "movement.db"));
            builder.UseSetting("Movement:Store:OutboxPath", Path.Combine(_dataDirectory, "outbox.db"));
            builder.UseSetting("Movement:Dashboard:DatabasePath", Path.Combine(_dataDirectory, "dashboard.db"));
            builder.UseSetting("Movement:Gateway:Queue:Directory", Path.Combine(_dataDirectory, "gateway-queue"));
            builder.UseSetting("Movement:Gateway:Simulator:Sensors", "8");
        });
        _ = _factory.Server; // starts the host and its hosted services
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Run_SimulatedClass_RepEventsFlowThroughBrokerToDashboard()
    {
        await using var observer = await MqttProbe.ConnectAsync(
            new Movement.Messaging.MqttConnectionOptions
            {
                Port = _brokerPort, Username = "dashboard", Password = "local-dashboard-secret", ClientIdPrefix = "observer",
            },
            "observer", [Topics.AllEvents("site-1")]);

        // Exercise changes and set summaries travel on the same filter: wait for the first repetition.
        RepEvent? rep = null;
        while (rep is null)
        {
            var (topic, payload) = await observer.NextAsync(TimeSpan.FromSeconds(90));
            Assert.True(Topics.TryParse(topic, out var address, out _));
            Assert.Equal(TopicKind.ParticipantEvent, address.Kind);
            Assert.True(ProtocolJson.TryDecodeEvent(payload, out var movementEvent, out var error), error);
            Assert.Equal(address.EventType, movementEvent!.EventType);
            rep = movementEvent as RepEvent;
        }

        Assert.Contains(rep.Exercise, ExerciseIds.All);
        Assert.InRange(rep.RomDeg, 5, 180);

        // The dashboard's live feed is another subscriber: wait for its state's change signal, not for a clock.
        var state = _factory!.Services.GetRequiredService<LiveGroupState>();
        var participantHasReps = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check()
        {
            if (state.Tiles.Any(t => t.Participant == rep.Participant && t.RepsInSet > 0))
            {
                participantHasReps.TrySetResult();
            }
        }

        state.Changed += Check;
        try
        {
            Check();
            await participantHasReps.Task.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        finally
        {
            state.Changed -= Check;
        }

        Assert.Contains(state.Tiles, t => t.Participant == rep.Participant && t.RepsInSet > 0);
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        Directory.Delete(_dataDirectory, recursive: true);
    }
}
