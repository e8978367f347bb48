using System.Buffers;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using Movement.Messaging;
using Movement.Protocol;

namespace Movement.Dashboard.Live;

/// <summary>
/// The dashboard's broker connection: feeds <see cref="LiveGroupState"/> with events, sensor status and the
/// session roster, and publishes the retained <see cref="SessionState"/> when a supervisor starts or ends a session.
/// </summary>
public sealed class LiveFeedService : BackgroundService
{
    private readonly LiveGroupState _state;
    private readonly MqttConnection _connection;
    private readonly string _site;

    public LiveFeedService(IServiceProvider services, LiveGroupState state, IOptions<DashboardOptions> options)
    {
        _state = state;
        _site = options.Value.Site;
        _connection = services.CreateMqttConnection(MovementSystemExtensions.MqttOptionsName, new MqttConnectionSetup
        {
            ClientName = "dashboard",
            Subscriptions =
            [
                (Topics.Session(_site), MqttQualityOfServiceLevel.AtLeastOnce),
                (Topics.AllSensorStatus(_site), MqttQualityOfServiceLevel.AtLeastOnce),
                (Topics.AllEvents(_site), MqttQualityOfServiceLevel.AtLeastOnce),
            ],
            OnConnected = (_, ct) => Connected?.Invoke(ct) ?? Task.CompletedTask,
            OnMessage = Handle,
        });
    }

    /// <summary>Runs after each (re)connect; the session controller re-publishes or starts the demo session here.</summary>
    public Func<CancellationToken, Task>? Connected { get; set; }

    public bool IsConnected => _connection.IsConnected;

    /// <summary>Publishes the site's retained session state (roster and station plan).</summary>
    public Task PublishSessionAsync(SessionState session, CancellationToken cancellationToken) =>
        _connection.PublishAsync(Topics.Session(_site), ProtocolJson.Encode(session), retain: true, cancellationToken);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _connection.RunAsync(stoppingToken);

    private ValueTask Handle(string topic, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        if (!Topics.TryParse(topic, out var address, out var error))
        {
            _connection.RejectMessage(topic, error!);
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
                _connection.RejectMessage(topic, error ?? "unexpected topic");
                break;
        }

        return ValueTask.CompletedTask;
    }

    public override void Dispose()
    {
        _connection.Dispose();
        base.Dispose();
    }
}
