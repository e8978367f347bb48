using System.Buffers;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using Movement.Gateway.Simulation;
using Movement.Messaging;
using Movement.Protocol;

namespace Movement.Dashboard.Live;

/// <summary>Feeds <see cref="LiveGroupState"/> from the broker: events, sensor status and the session roster.</summary>
public sealed partial class LiveFeedService : BackgroundService
{
    private readonly LiveGroupState _state;
    private readonly ILogger<LiveFeedService> _logger;
    private readonly MqttConnection _connection;

    public LiveFeedService(IServiceProvider services, LiveGroupState state, IOptions<DashboardOptions> options, ILogger<LiveFeedService> logger, TimeProvider time)
    {
        _state = state;
        _logger = logger;
        var dashboard = options.Value;
        _connection = services.CreateMqttConnection(MovementSystemExtensions.MqttOptionsName, new MqttConnectionSetup
        {
            ClientName = "dashboard",
            Subscriptions =
            [
                (Topics.AllSessions(dashboard.Site), MqttQualityOfServiceLevel.AtLeastOnce),
                (Topics.AllSensorStatus(dashboard.Site), MqttQualityOfServiceLevel.AtLeastOnce),
                (Topics.AllEvents(dashboard.Site), MqttQualityOfServiceLevel.AtLeastOnce),
            ],
            OnConnected = dashboard.DemoSession
                ? (c, ct) => c.PublishAsync(Topics.Session(dashboard.Site), ProtocolJson.Encode(DemoSession(dashboard, time)), retain: true, ct)
                : null,
            OnMessage = Handle,
        });
    }

    /// <summary>The simulator's sensors worn by demo participants p01..pNN at one knee-extension station.</summary>
    public static SessionState DemoSession(DashboardOptions options, TimeProvider time) => new()
    {
        SessionId = $"demo-{time.GetUtcNow():yyyyMMdd}",
        Active = true,
        Time = time.GetUtcNow(),
        Roster = Enumerable.Range(0, options.DemoParticipants)
            .Select(i => new RosterEntry($"p{i + 1:D2}", SimulatorOptions.SensorId(i), Placement.Shank, Side.Right, "station-1"))
            .ToArray(),
        Stations = [new StationPlan("station-1", ExerciseIds.KneeExtension, TargetReps: 10, TargetRomDeg: 75)],
    };

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _connection.RunAsync(stoppingToken);

    private ValueTask Handle(string topic, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        if (!Topics.TryParse(topic, out var address, out var error))
        {
            LogRejected(_logger, topic, error!);
            return ValueTask.CompletedTask;
        }

        var bytes = payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray();
        switch (address.Kind)
        {
            case TopicKind.Session when ProtocolJson.TryDecodeSessionState(bytes, out var session, out error):
                _state.Apply(session!);
                break;
            case TopicKind.SensorStatus when ProtocolJson.TryDecodeSensorStatus(bytes, out var status, out error):
                _state.Apply(status!);
                break;
            case TopicKind.ParticipantEvent when ProtocolJson.TryDecodeEvent(bytes, out var movementEvent, out error):
                _state.Apply(movementEvent!);
                break;
            default:
                LogRejected(_logger, topic, error ?? "unexpected topic");
                break;
        }

        return ValueTask.CompletedTask;
    }

    public override void Dispose()
    {
        _connection.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected message on {Topic}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string topic, string reason);
}
