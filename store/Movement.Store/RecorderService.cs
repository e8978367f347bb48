using System.Buffers;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using Movement.Messaging;
using Movement.Protocol;

namespace Movement.Store;

/// <summary>
/// Subscribes with a persistent session at QoS 1 to events and step readings and writes them to the store.
/// The broker's acknowledgement goes only after the write returns, so nothing acknowledged is lost.
/// </summary>
public sealed partial class RecorderService : BackgroundService
{
    private readonly IActivityStore _store;
    private readonly ILogger<RecorderService> _logger;
    private readonly MqttConnection _connection;
    private readonly Counter<long> _invalid;
    private readonly Counter<long> _written;

    public RecorderService(IServiceProvider services, IActivityStore store, IOptions<StoreOptions> options, ILogger<RecorderService> logger, IMeterFactory meters)
    {
        _store = store;
        _logger = logger;
        var meter = meters.Create("Movement.Store");
        _invalid = meter.CreateCounter<long>("movement.store.invalid_payloads", "{message}");
        _written = meter.CreateCounter<long>("movement.store.records_written", "{record}");
        _connection = services.CreateMqttConnection(StoreServiceCollectionExtensions.MqttOptionsName, new MqttConnectionSetup
        {
            ClientName = "recorder",
            PersistentSession = true,
            Subscriptions =
            [
                (Topics.AllEvents(options.Value.Site), MqttQualityOfServiceLevel.AtLeastOnce),
                (Topics.AllSteps(options.Value.Site), MqttQualityOfServiceLevel.AtLeastOnce),
            ],
            OnMessage = HandleAsync,
        });
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _connection.RunAsync(stoppingToken);

    private async ValueTask HandleAsync(string topic, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        if (!Topics.TryParse(topic, out var address, out var error))
        {
            Reject(topic, error!);
            return;
        }

        var bytes = payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray();
        switch (address.Kind)
        {
            case TopicKind.ParticipantEvent when ProtocolJson.TryDecodeEvent(bytes, out var movementEvent, out error):
                await _store.WriteEventAsync(movementEvent!, cancellationToken).ConfigureAwait(false);
                break;
            case TopicKind.SensorSteps when ProtocolJson.TryDecodeStepReading(bytes, out var reading, out error):
                await _store.WriteStepReadingAsync(address.Site, reading!, cancellationToken).ConfigureAwait(false);
                break;
            default:
                Reject(topic, error ?? "unexpected topic");
                return;
        }

        _written.Add(1);
    }

    private void Reject(string topic, string reason)
    {
        _invalid.Add(1);
        LogRejected(_logger, topic, reason);
    }

    public override void Dispose()
    {
        _connection.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected message on {Topic}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string topic, string reason);
}
