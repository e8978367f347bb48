using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;
using Movement.Gateway.Bluetooth;
using Movement.Gateway.Sessions;
using Movement.Messaging;
using Movement.Protocol;

namespace Movement.Gateway.Publishing;

/// <summary>
/// Owns the gateway's broker connection. Sample batches and step readings go through the durable
/// <see cref="DiskQueue"/> and are published in order, each removed only after the broker acknowledged it, so a
/// broker outage or a gateway restart loses nothing (within the queue bound). Retained state (sensor status) is
/// kept as the latest value per topic and published when connected. Announces availability with a last will and
/// follows the retained session topic (a home hub follows nothing and publishes no samples or claims:
/// <see cref="GatewayOptions.HomeHub"/>).
/// </summary>
public sealed partial class GatewayPublisher : BackgroundService
{
    private readonly MqttConnection _connection;
    private readonly GatewayOptions _options;
    private readonly ILogger<GatewayPublisher> _logger;
    private readonly TimeProvider _time;
    private readonly GatewayMetrics _metrics;
    private readonly DiskQueue _queue;
    private readonly ConcurrentDictionary<string, byte[]> _retained = new(StringComparer.Ordinal);

    public GatewayPublisher(IServiceProvider services, IOptions<GatewayOptions> options, IOptions<OutgoingQueueOptions> queueOptions,
        IOptions<BluetoothOptions> bluetooth, SessionRoster roster, SensorClaims claims, GatewayMetrics metrics, ILogger<GatewayPublisher> logger, TimeProvider time)
    {
        _options = options.Value;
        _logger = logger;
        _time = time;
        _metrics = metrics;
        _queue = DiskQueue.Open(queueOptions.Value);
        _queue.RecordsDropped += n => _metrics.BatchesDropped.Add(n);
        metrics.Meter.CreateObservableGauge("movement.gateway.queue_depth", () => _queue.Count, "{message}", "Messages waiting for the broker");
        metrics.Meter.CreateObservableGauge("movement.gateway.queue_bytes", () => _queue.PendingBytes, "By", "Bytes of undelivered messages on disk");
        if (_queue.Count > 0)
        {
            LogRecovered(_logger, _queue.Count);
        }

        var availability = Topics.GatewayAvailability(_options.Site, _options.GatewayId);
        _connection = services.CreateMqttConnection(GatewayServiceCollectionExtensions.MqttOptionsName, new MqttConnectionSetup
        {
            ClientName = $"gateway-{_options.GatewayId}",
            Will = new MqttApplicationMessageBuilder().WithTopic(availability)
                .WithPayload(Encoding.UTF8.GetBytes(GatewayAvailabilityPayload.Offline))
                .WithRetainFlag().WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(),
            // With BLE, the claims of the site's gateways and their availability (a dead one's last will frees its claims).
            Subscriptions = _options.HomeHub ? []
                : bluetooth.Value.Enabled
                ? [(Topics.Session(_options.Site), MqttQualityOfServiceLevel.AtLeastOnce),
                   (Topics.AllSensorClaims(_options.Site), MqttQualityOfServiceLevel.AtLeastOnce),
                   (Topics.AllGatewayAvailability(_options.Site), MqttQualityOfServiceLevel.AtLeastOnce)]
                : [(Topics.Session(_options.Site), MqttQualityOfServiceLevel.AtLeastOnce)],
            OnConnected = async (c, ct) =>
            {
                await c.PublishAsync(availability, Encoding.UTF8.GetBytes(GatewayAvailabilityPayload.Online), retain: true, ct).ConfigureAwait(false);
                claims.MarkListening();
                _queue.Signal();
            },
            OnMessage = (topic, payload, _) =>
            {
                var bytes = payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray();
                var kind = Topics.TryParse(topic, out var address, out string? _) ? address.Kind : TopicKind.Session;
                if (kind == TopicKind.SensorClaim)
                {
                    // An empty payload is a cleared retained claim: nothing to apply.
                    if (bytes.IsEmpty)
                    {
                    }
                    else if (ProtocolJson.TryDecodeSensorClaim(bytes, out var claim, out var claimError))
                    {
                        claims.Apply(claim!);
                    }
                    else
                    {
                        LogBadClaim(_logger, topic, claimError);
                    }
                }
                else if (kind == TopicKind.GatewayAvailability)
                {
                    claims.ApplyAvailability(address.EntityId, Encoding.UTF8.GetString(bytes) == GatewayAvailabilityPayload.Online);
                }
                else if (!roster.TryApply(bytes, out var error))
                {
                    LogBadSession(_logger, topic, error);
                }

                return ValueTask.CompletedTask;
            },
        });
    }

    public bool IsConnected => _connection.IsConnected;

    /// <summary>Messages of every sensor waiting in the durable queue.</summary>
    public long BatchesQueued => _queue.Count;

    /// <summary>Messages of every sensor dropped by the queue since start.</summary>
    public long BatchesDropped => _queue.Dropped;

    /// <summary>Sample batches of <paramref name="sensorId"/> waiting in the durable queue.</summary>
    public long BatchesQueuedOf(string sensorId) => _queue.CountOf(Topics.SensorSamples(_options.Site, sensorId));

    /// <summary>Sample batches of <paramref name="sensorId"/> dropped by the queue since start.</summary>
    public long BatchesDroppedOf(string sensorId) => _queue.DroppedOf(Topics.SensorSamples(_options.Site, sensorId));

    /// <summary>
    /// Queues a message. Retained messages replace any unsent predecessor on their topic; the others are appended
    /// to the durable queue. Never blocks on the broker and never throws into a sensor's notification path.
    /// </summary>
    public void Enqueue(OutgoingMessage message)
    {
        if (_options.HomeHub && Topics.TryParse(message.Topic, out var address, out string? _) && address.Kind == TopicKind.SensorClaim)
        {
            // A home hub's sensor is its alone: there is no claim to share, and its account may not publish one.
            return;
        }

        if (message.Retain)
        {
            _retained[message.Topic] = message.Payload;
            _queue.Signal();
            return;
        }

        Append(message.Topic, message.Payload);
    }

    /// <summary>Encodes and queues a sample batch of <paramref name="sensorId"/>.</summary>
    public bool EnqueueBatch(string sensorId, SampleBatch batch)
    {
        if (_options.HomeHub)
        {
            // A home hub forwards steps only (GatewayOptions.HomeHub).
            return false;
        }

        byte[] payload;
        try
        {
            payload = SampleBatchCodec.Encode(batch);
        }
        catch (ArgumentException ex)
        {
            LogUnencodable(_logger, ex, sensorId);
            return false;
        }

        var accepted = Append(Topics.SensorSamples(_options.Site, sensorId), payload);
        if (accepted)
        {
            _metrics.BatchesEnqueued.Add(1);
        }

        return accepted;
    }

    private bool Append(string topic, byte[] payload)
    {
        try
        {
            return _queue.TryEnqueue(topic, payload, retain: false, _time.GetUtcNow().ToUnixTimeMilliseconds());
        }
        catch (IOException ex)
        {
            // Disk full or gone: the queue counted it as dropped; a sensor's path must not crash.
            LogQueueWriteFailed(_logger, ex, topic);
            return false;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var run = _connection.RunAsync(stoppingToken);
        using var fsync = new PeriodicTimer(TimeSpan.FromMilliseconds(200), _time);
        var fsyncLoop = SyncLoopAsync(fsync, stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await PublishRetainedAsync(stoppingToken).ConfigureAwait(false);
                if (_queue.TryPeek(out var message))
                {
                    await _connection.PublishUntilDeliveredAsync(message.Topic, message.Payload, false, stoppingToken).ConfigureAwait(false);
                    _queue.Ack();
                    _metrics.BatchesPublished.Add(1);
                    _metrics.PublishLatency.Record(_time.GetUtcNow().ToUnixTimeMilliseconds() - message.EnqueuedUnixMs);
                    continue;
                }

                await _queue.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await run.ConfigureAwait(false);
            await fsyncLoop.ConfigureAwait(false);
            _queue.Sync(force: true);
        }
    }

    private async Task SyncLoopAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                _queue.Sync();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task PublishRetainedAsync(CancellationToken cancellationToken)
    {
        if (!_connection.IsConnected)
        {
            return;
        }

        foreach (var topic in _retained.Keys)
        {
            if (_retained.TryRemove(topic, out var payload))
            {
                await _connection.PublishUntilDeliveredAsync(topic, payload, true, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public override void Dispose()
    {
        _connection.Dispose();
        _queue.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outgoing queue holds {Count} messages from before the restart; they go out first")]
    private static partial void LogRecovered(ILogger logger, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored an invalid session message on {Topic}: {Reason}")]
    private static partial void LogBadSession(ILogger logger, string topic, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored an invalid sensor claim on {Topic}: {Reason}")]
    private static partial void LogBadClaim(ILogger logger, string topic, string? reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Batch of sensor {SensorId} cannot be encoded")]
    private static partial void LogUnencodable(ILogger logger, Exception exception, string sensorId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write to the outgoing queue for {Topic}")]
    private static partial void LogQueueWriteFailed(ILogger logger, Exception exception, string topic);
}
