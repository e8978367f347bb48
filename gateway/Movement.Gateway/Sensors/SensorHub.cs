using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Movement.Gateway.Publishing;

namespace Movement.Gateway.Sensors;

/// <summary>
/// The gateway's sensors, real and simulated: one <see cref="SensorChannel"/> per sensor id, flushed into batches on
/// the batch clock, with the retained status refreshed on the status clock.
/// </summary>
public sealed class SensorHub(
    GatewayPublisher publisher,
    GatewayMetrics metrics,
    IOptions<GatewayOptions> options,
    ILoggerFactory loggers,
    TimeProvider time) : BackgroundService
{
    private readonly ConcurrentDictionary<string, SensorChannel> _channels = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggers.CreateLogger("Movement.Gateway.Sensors");

    public IReadOnlyCollection<SensorChannel> Channels => (IReadOnlyCollection<SensorChannel>)_channels.Values;

    public SensorChannel GetOrAdd(SensorRegistration registration, string kindName) =>
        _channels.GetOrAdd(registration.SensorId, _ => new SensorChannel(registration, kindName, publisher, metrics, _logger, time,
            options.Value.Site, options.Value.GatewayId));

    public void FlushAll()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Flush();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var gateway = options.Value;
        using var timer = new PeriodicTimer(gateway.BatchInterval, time);
        var nextStatus = time.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                FlushAll();
                if (time.GetElapsedTime(nextStatus) >= TimeSpan.Zero)
                {
                    nextStatus = time.GetTimestamp() + (long)(gateway.StatusInterval.TotalSeconds * time.TimestampFrequency);
                    foreach (var channel in _channels.Values.Where(c => c.Reporting))
                    {
                        channel.PublishStatus();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            FlushAll();
        }
    }
}
