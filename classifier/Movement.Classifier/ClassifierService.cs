using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using Movement.Classifier.Pipeline;
using Movement.Messaging;
using Movement.Protocol;

namespace Movement.Classifier;

/// <summary>
/// Subscribes to every sample stream and the session roster, runs one <see cref="RepCounter"/> per sensor,
/// and publishes rep events for the participant wearing the sensor.
/// </summary>
public sealed partial class ClassifierService : BackgroundService
{
    private readonly ClassifierOptions _options;
    private readonly ILogger<ClassifierService> _logger;
    private readonly MqttConnection _connection;
    private readonly ConcurrentDictionary<(string Site, string Sensor), SensorStream> _streams = new();
    private readonly ConcurrentDictionary<string, SessionState> _sessions = new();
    private readonly Counter<long> _invalid;
    private readonly Counter<long> _reps;
    private readonly Histogram<double> _latency;
    private readonly TimeProvider _time;

    public ClassifierService(IServiceProvider services, IOptions<ClassifierOptions> options, ILogger<ClassifierService> logger, TimeProvider time, IMeterFactory meters)
    {
        _options = options.Value;
        _logger = logger;
        _time = time;
        var meter = meters.Create("Movement.Classifier");
        _invalid = meter.CreateCounter<long>("movement.classifier.invalid_payloads", "{message}");
        _reps = meter.CreateCounter<long>("movement.classifier.reps", "{rep}");
        _latency = meter.CreateHistogram<double>("movement.classifier.rep_latency", "ms", "Last sample of a rep to its event being published");
        _connection = services.CreateMqttConnection(ClassifierServiceCollectionExtensions.MqttOptionsName, new MqttConnectionSetup
        {
            ClientName = "classifier",
            Subscriptions =
            [
                (Topics.AllSessions(_options.Site), MqttQualityOfServiceLevel.AtLeastOnce),
                (Topics.AllSamples(_options.Site), MqttQualityOfServiceLevel.AtLeastOnce),
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
        if (address.Kind == TopicKind.Session)
        {
            if (ProtocolJson.TryDecodeSessionState(bytes, out var session, out error))
            {
                _sessions[address.Site] = session!;
            }
            else
            {
                Reject(topic, error!);
            }

            return;
        }

        if (address.Kind != TopicKind.SensorSamples)
        {
            return;
        }

        if (!SampleBatchCodec.TryDecode(bytes, out var batch, out error))
        {
            Reject(topic, error!);
            return;
        }

        var stream = _streams.GetOrAdd((address.Site, address.EntityId), _ => new SensorStream(new SensorPipeline()));
        if (stream.LastSequence is { } last && batch!.Sequence <= last && last - batch.Sequence < 1_000_000)
        {
            return; // a redelivered batch: already counted
        }

        stream.LastSequence = batch!.Sequence;
        foreach (var sample in batch.Samples)
        {
            if (stream.Counter.Add(sample, out var rep))
            {
                await PublishRepAsync(address.Site, address.EntityId, stream, rep, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task PublishRepAsync(string site, string sensor, SensorStream stream, RepMeasurement rep, CancellationToken cancellationToken)
    {
        var session = _sessions.GetValueOrDefault(site);
        var entry = session?.Roster.FirstOrDefault(r => r.Sensor == sensor);
        if (entry is null || session is not { Active: true })
        {
            return; // nobody wears this sensor in a running session: nothing to attribute
        }

        var station = session.Stations.FirstOrDefault(s => s.Station == entry.Station) ?? (session.Stations.Count > 0 ? session.Stations[0] : null);
        stream.RepNumber++;
        var flags = new List<FormFlag>();
        if (station?.TargetRomDeg is { } target && rep.RomDeg < target * 0.8)
        {
            flags.Add(new FormFlag(FormFlagIds.PartialRange, Math.Round(rep.RomDeg), target, "deg", $"partial range: {rep.RomDeg:F0}° of {target:F0}°"));
        }

        var repEvent = new RepEvent
        {
            Id = $"{sensor}-{rep.StartUs}",
            Site = site,
            Participant = entry.Participant,
            Sensor = sensor,
            Session = session.SessionId,
            Time = DateTimeOffset.FromUnixTimeMilliseconds(rep.EndUs / 1000),
            StartTime = DateTimeOffset.FromUnixTimeMilliseconds(rep.StartUs / 1000),
            Exercise = station?.Exercise ?? ExerciseIds.Unknown,
            SetNumber = 1,
            RepNumber = stream.RepNumber,
            DurationS = Math.Round(rep.DurationS, 3),
            RomDeg = Math.Round(rep.RomDeg, 1),
            PeakAngularVelocityDps = Math.Round(rep.PeakAngularVelocityDps, 1),
            TargetReps = station?.TargetReps,
            TargetRomDeg = station?.TargetRomDeg,
            Flags = flags,
        };
        await _connection.PublishAsync(Topics.ParticipantEvent(site, entry.Participant, RepEvent.TypeName), ProtocolJson.Encode(repEvent), retain: false, cancellationToken).ConfigureAwait(false);
        _reps.Add(1);
        _latency.Record((_time.GetUtcNow().ToUnixTimeMilliseconds() * 1000 - rep.EndUs) / 1000.0);
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

    private sealed class SensorStream(SensorPipeline counter)
    {
        public SensorPipeline Counter { get; } = counter;
        public uint? LastSequence { get; set; }
        public int RepNumber { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected message on {Topic}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string topic, string reason);
}
