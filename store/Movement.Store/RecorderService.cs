using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using Movement.Messaging;
using Movement.Protocol;
using Movement.Store.Outbox;

namespace Movement.Store;

/// <summary>
/// Subscribes with a persistent session at QoS 1 to events, step readings and session state, and appends what they
/// carry to the durable outbox. A message is acknowledged to the broker only after the outbox has its records, so
/// nothing acknowledged is lost; <see cref="OutboxDrainer"/> moves them into the store. The acknowledgement is
/// deferred: the handler starts the append and hands the message to an in-order acknowledger, so the next messages
/// arrive while the append is committing and the outbox commits them together (group commit).
/// Malformed payloads are rejected with a reason, counted, acknowledged, and the stream goes on.
/// </summary>
public sealed partial class RecorderService : BackgroundService
{
    private readonly ActivityOutbox _outbox;
    private readonly ILogger<RecorderService> _logger;
    private readonly TimeProvider _time;
    private readonly Polly.ResiliencePipeline _outboxRetry;
    private readonly MqttConnection _connection;
    private readonly bool _recordRawSamples;
    private readonly Counter<long> _invalid;
    private readonly Counter<long> _queued;
    private readonly ConcurrentDictionary<(string Site, string Sensor), (string Participant, string Leg)> _legs = new();
    private readonly ConcurrentDictionary<(string Site, string Session, string Participant), byte> _attended = new();
    private readonly ConcurrentDictionary<(string Site, string Session), DateTimeOffset> _sessionStarts = new();

    // Messages whose append is under way, in arrival order. Bounded: when the disk falls behind, the handler waits,
    // and the broker holds back further messages.
    private readonly Channel<PendingAck> _pendingAcks = Channel.CreateBounded<PendingAck>(
        new BoundedChannelOptions(PendingAckCapacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Most messages awaiting their outbox commit and acknowledgement at once.</summary>
    public const int PendingAckCapacity = 1000;

    public RecorderService(IServiceProvider services, ActivityOutbox outbox, IOptions<StoreOptions> options, ILogger<RecorderService> logger, IMeterFactory meters, TimeProvider time)
    {
        _outbox = outbox;
        _time = time;
        _outboxRetry = Backoff.Forever(OutboxRetryDelayMin, OutboxRetryDelayMax, time, IsOutboxFailure,
            (ex, delay) => LogOutboxFailed(logger, ex, delay));
        _logger = logger;
        var meter = meters.Create("Movement.Store");
        _invalid = meter.CreateCounter<long>("movement.store.invalid_payloads", "{message}", "Messages rejected as malformed");
        _queued = meter.CreateCounter<long>("movement.store.records_queued", "{record}", "Records appended to the outbox");
        _recordRawSamples = options.Value.RecordRawSamples;
        List<(string, MqttQualityOfServiceLevel)> subscriptions =
        [
            (Topics.AllEvents(options.Value.Site), MqttQualityOfServiceLevel.AtLeastOnce),
            (Topics.AllSteps(options.Value.Site), MqttQualityOfServiceLevel.AtLeastOnce),
            (Topics.AllSessions(options.Value.Site), MqttQualityOfServiceLevel.AtLeastOnce),
        ];
        if (_recordRawSamples)
        {
            // Raw batches for re-training (with consent): only when configured; QoS 1 where the gateway publishes so.
            subscriptions.Add((Topics.AllSamples(options.Value.Site), MqttQualityOfServiceLevel.AtLeastOnce));
        }

        Subscriptions = subscriptions.Select(s => s.Item1).ToArray();
        _connection = services.CreateMqttConnection(StoreServiceCollectionExtensions.MqttOptionsName, new MqttConnectionSetup
        {
            ClientName = "recorder",
            PersistentSession = true,
            Subscriptions = subscriptions,
            OnMessageDeferredAck = HandleAsync,
        });
    }

    public MqttConnection Connection => _connection;

    /// <summary>The topic filters the recorder subscribes to.</summary>
    public IReadOnlyList<string> Subscriptions { get; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The connection and the acknowledger live and die together: if either ends (shutdown, or an unexpected
        // failure, which then surfaces here), the other is stopped. Unacknowledged messages are re-delivered on the
        // next start (persistent session).
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var acknowledger = AcknowledgeInOrderAsync(stop.Token);
        var connection = _connection.RunAsync(stop.Token);
        await Task.WhenAny(acknowledger, connection).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        _pendingAcks.Writer.TryComplete();
        try
        {
            await Task.WhenAll(acknowledger, connection).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async ValueTask HandleAsync(string topic, ReadOnlySequence<byte> payload, MqttDeferredAck ack, CancellationToken cancellationToken)
    {
        var records = Decode(topic, payload);
        var committed = records is null ? Task.CompletedTask : _outbox.EnqueueAsync(records, cancellationToken);
        await _pendingAcks.Writer.WriteAsync(new PendingAck(records, committed, ack), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Acknowledges messages in the order they arrived (MQTT wants that), each once the outbox has its records. If an
    /// append failed (disk full, I/O error), keep trying it rather than acknowledge it unrecorded; meanwhile the
    /// channel fills and the broker holds back further messages. Shutdown cancels, and whatever is not yet
    /// acknowledged is re-delivered later.
    /// </summary>
    private async Task AcknowledgeInOrderAsync(CancellationToken cancellationToken)
    {
        await foreach (var pending in _pendingAcks.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (pending.Records is { } records)
            {
                try
                {
                    await pending.Committed.ConfigureAwait(false);
                }
                catch (Exception ex) when (IsOutboxFailure(ex))
                {
                    await EnqueueDurablyAsync(records, ex, cancellationToken).ConfigureAwait(false);
                }

                _queued.Add(records.Count);
            }

            await pending.Ack.AcknowledgeAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static readonly TimeSpan OutboxRetryDelayMin = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan OutboxRetryDelayMax = TimeSpan.FromSeconds(10);

    /// <summary>Any failure of the append except shutdown: never acknowledge a message the outbox may not have.</summary>
    private static bool IsOutboxFailure(Exception ex) => ex is not OperationCanceledException;

    private sealed record PendingAck(List<ActivityRecord>? Records, Task Committed, MqttDeferredAck Ack);

    /// <summary>The records a message carries, or null (after logging and counting why) when it is rejected.</summary>
    private List<ActivityRecord>? Decode(string topic, ReadOnlySequence<byte> payload)
    {
        if (!Topics.TryParse(topic, out var address, out var error))
        {
            Reject(topic, error!);
            return null;
        }

        var bytes = payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray();
        List<ActivityRecord> records;
        switch (address.Kind)
        {
            case TopicKind.ParticipantEvent when ProtocolJson.TryDecodeEvent(bytes, out var movementEvent, out error):
                if (movementEvent!.Site != address.Site || movementEvent.Participant != address.EntityId)
                {
                    Reject(topic, $"event for site '{movementEvent.Site}', participant '{movementEvent.Participant}' arrived on another participant's topic");
                    return null;
                }

                if (!Topics.IsValidId(movementEvent.Sensor) || string.IsNullOrEmpty(movementEvent.Id))
                {
                    Reject(topic, "event has no id or an invalid sensor id");
                    return null;
                }

                records = [new EventRecord(address.Site, movementEvent, _legs.TryGetValue((address.Site, movementEvent.Sensor), out var wearer) && wearer.Participant == movementEvent.Participant ? wearer.Leg : null)];
                break;
            case TopicKind.SensorSteps when ProtocolJson.TryDecodeStepReading(bytes, out var reading, out error):
                if (reading!.Sensor != address.EntityId || reading.StepsTotal < 0)
                {
                    Reject(topic, reading.StepsTotal < 0 ? $"negative step total {reading.StepsTotal}" : $"reading of sensor '{reading.Sensor}' arrived on another sensor's topic");
                    return null;
                }

                records = [new StepReadingRecord(address.Site, reading)];
                break;
            case TopicKind.Session when ProtocolJson.TryDecodeSessionState(bytes, out var state, out error):
                records = FromSession(address.Site, state!);
                break;
            case TopicKind.SensorSamples when _recordRawSamples && RawSampleBatchRecord.TryCreate(address.Site, address.EntityId, bytes, out var raw, out error):
                records = [raw!];
                break;
            case TopicKind.SensorSamples when error is not null:
                Reject(topic, $"sample batch: {error}");
                return null;
            default:
                Reject(topic, error ?? "unexpected topic");
                return null;
        }

        return records;
    }

    /// <summary>Retries a failed append (back-off from 100 ms to 10 s, <see cref="Backoff"/>) until the outbox has the records.</summary>
    private async Task EnqueueDurablyAsync(List<ActivityRecord> records, Exception failure, CancellationToken cancellationToken)
    {
        LogOutboxFailed(_logger, failure, OutboxRetryDelayMin);
        await Task.Delay(OutboxRetryDelayMin, _time, cancellationToken).ConfigureAwait(false);
        await _outboxRetry.ExecuteAsync(async token => await _outbox.EnqueueAsync(records, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The roster says who wears which sensor (step attribution, leg of events) and who attended.</summary>
    private List<ActivityRecord> FromSession(string site, SessionState state)
    {
        var records = new List<ActivityRecord>();
        var start = _sessionStarts.GetOrAdd((site, state.SessionId), state.Time);
        foreach (var entry in state.Roster)
        {
            if (!Topics.IsValidId(entry.Participant) || !Topics.IsValidId(entry.Sensor))
            {
                continue;
            }

            // Session state is re-published often; record only what changed since this process last saw it.
            var leg = entry.Side.ToString().ToLowerInvariant();
            if (_legs.TryGetValue((site, entry.Sensor), out var known) is false || known != (entry.Participant, leg))
            {
                _legs[(site, entry.Sensor)] = (entry.Participant, leg);
                records.Add(new DeviceAssignmentRecord(site, entry.Sensor, entry.Participant, state.Time, leg));
            }

            if (state.Active && _attended.TryAdd((site, state.SessionId, entry.Participant), 0))
            {
                records.Add(new AttendanceRecord(site, state.SessionId, entry.Participant, start,
                    Cohort: state.CohortId, SessionNumber: state.SessionNumber, SessionsPlanned: state.SessionsPlanned));
            }
        }

        return records;
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not append to the outbox; retrying in {Delay} before acknowledging")]
    private static partial void LogOutboxFailed(ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected message on {Topic}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string topic, string reason);
}
