using System.Diagnostics.Metrics;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;
using Movement.Messaging;
using Movement.Protocol;

namespace Movement.Gateway.Publishing;

/// <summary>
/// Owns the gateway's broker connection: announces availability (retained, with a last will) and publishes
/// what sensors enqueue, in order. While the broker is unreachable, messages wait and go out when it returns.
/// </summary>
public sealed partial class GatewayPublisher : BackgroundService
{
    private readonly Channel<OutgoingMessage> _queue;
    private readonly MqttConnection _connection;
    private readonly GatewayOptions _options;
    private readonly ILogger<GatewayPublisher> _logger;
    private readonly TimeProvider _time;
    private readonly Counter<long> _dropped;

    public GatewayPublisher(IServiceProvider services, IOptions<GatewayOptions> options, ILogger<GatewayPublisher> logger, TimeProvider time, IMeterFactory meters)
    {
        _options = options.Value;
        _logger = logger;
        _time = time;
        _queue = Channel.CreateBounded<OutgoingMessage>(new BoundedChannelOptions(_options.OutgoingQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.DropOldest,
        }, _ => _dropped!.Add(1));
        _dropped = meters.Create("Movement.Gateway").CreateCounter<long>("movement.gateway.messages_dropped", "{message}", "Dropped because the outgoing queue was full");
        var availability = Topics.GatewayAvailability(_options.Site, _options.GatewayId);
        _connection = services.CreateMqttConnection(GatewayServiceCollectionExtensions.MqttOptionsName, new MqttConnectionSetup
        {
            ClientName = $"gateway-{_options.GatewayId}",
            Will = new MqttApplicationMessageBuilder().WithTopic(availability)
                .WithPayload(Encoding.UTF8.GetBytes(GatewayAvailabilityPayload.Offline))
                .WithRetainFlag().WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(),
            OnConnected = (c, ct) => c.PublishAsync(availability, Encoding.UTF8.GetBytes(GatewayAvailabilityPayload.Online), retain: true, ct),
        });
    }

    public bool IsConnected => _connection.IsConnected;

    /// <summary>Queues a message for publishing. Never blocks a sensor's notification path.</summary>
    public void Enqueue(OutgoingMessage message) => _queue.Writer.TryWrite(message);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var run = _connection.RunAsync(stoppingToken);
        try
        {
            await foreach (var message in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await PublishUntilDeliveredAsync(message, stoppingToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await run.ConfigureAwait(false);
        }
    }

    private async Task PublishUntilDeliveredAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await _connection.PublishAsync(message.Topic, message.Payload, message.Retain, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (MqttNotConnectedException)
            {
                await _connection.WaitConnectedAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (MqttPublishRefusedException ex)
            {
                // A refusal (e.g. not authorised) will not change on retry: report and move on.
                LogRefused(_logger, message.Topic, ex.Message);
                return;
            }
        }
    }

    public override void Dispose()
    {
        _connection.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Broker refused a message for {Topic}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string topic, string reason);
}
