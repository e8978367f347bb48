using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using Movement.Classifier.Pipeline;
using Movement.Classifier.Recognition;
using Movement.Messaging;
using Movement.Protocol;

namespace Movement.Classifier;

/// <summary>
/// Subscribes to every sample stream and the session roster, runs one <see cref="StreamClassifier"/> per sensor,
/// and publishes rep, form flag, exercise change and set summary events (QoS 1, ids stable across replays)
/// for the participant wearing the sensor.
/// </summary>
public sealed class ClassifierService : BackgroundService
{
    private readonly ClassifierOptions _options;
    private readonly MqttConnection _connection;
    private readonly MqttPublishQueue _outgoing;
    private readonly ConcurrentDictionary<(string Site, string Sensor), SensorStream> _streams = new();
    private readonly ConcurrentDictionary<string, SessionState> _sessions = new();
    private readonly Counter<long> _reps;
    private readonly Histogram<double> _latency;
    private readonly TimeProvider _time;
    private readonly ExerciseRecognition _recognition;

    public ClassifierService(IServiceProvider services, IOptions<ClassifierOptions> options, ILogger<ClassifierService> logger, TimeProvider time, IMeterFactory meters)
    {
        _options = options.Value;
        _time = time;
        _recognition = services.GetRequiredService<ExerciseRecognition>();
        var meter = meters.Create("Movement.Classifier");
        _reps = meter.CreateCounter<long>("movement.classifier.reps", "{rep}");
        _latency = meter.CreateHistogram<double>("movement.classifier.rep_latency", "ms", "Last sample of a rep to its event being queued for publishing");
        _connection = services.CreateMqttConnection(ClassifierServiceCollectionExtensions.MqttOptionsName, new MqttConnectionSetup
        {
            ClientName = "classifier",
            // Keep the session so sample batches published while the classifier reconnects wait on the broker.
            PersistentSession = true,
            Subscriptions =
            [
                (Topics.AllSessions(_options.Site), MqttQualityOfServiceLevel.AtLeastOnce),
                (Topics.AllSamples(_options.Site), MqttQualityOfServiceLevel.AtLeastOnce),
            ],
            OnMessage = HandleAsync,
        });
        _outgoing = new MqttPublishQueue(_connection, logger);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_connection.RunAsync(stoppingToken), _outgoing.RunAsync(stoppingToken));

    private async ValueTask HandleAsync(string topic, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        if (!Topics.TryParse(topic, out var address, out var error))
        {
            _connection.RejectMessage(topic, error!);
            return;
        }

        var bytes = payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray();
        if (address.Kind == TopicKind.Session)
        {
            if (ProtocolJson.TryDecodeSessionState(bytes, out var newSession, out error))
            {
                _sessions[address.Site] = newSession!;
            }
            else
            {
                _connection.RejectMessage(topic, error!);
            }

            return;
        }

        if (address.Kind != TopicKind.SensorSamples)
        {
            return;
        }

        if (!SampleBatchCodec.TryDecode(bytes, out var batch, out error))
        {
            _connection.RejectMessage(topic, error!);
            return;
        }

        var session = _sessions.GetValueOrDefault(address.Site);
        var entry = session?.Roster.FirstOrDefault(r => r.Sensor == address.EntityId);
        var stream = _streams.GetOrAdd((address.Site, address.EntityId), key => new SensorStream(new StreamClassifier(key.Sensor, entry?.Placement ?? Placement.Other, entry?.Side), _recognition.CreateRecognizer(entry?.Placement ?? Placement.Other, entry?.Side)));
        if (stream.LastSequence is { } last && batch!.Sequence <= last && last - batch.Sequence < 1_000_000)
        {
            return; // a redelivered batch: already counted
        }

        stream.LastSequence = batch!.Sequence;
        var station = entry is null || session is not { Active: true } ? null : StationFor(session, entry);
        // Recognition (Recognition/): the station plan is a strong prior; the model may override it when confident and stable.
        var exercise = stream.Recognizer.Update(station?.Exercise, batch.Samples);
        if (exercise != stream.Classifier.Exercise && batch.Samples.Length > 0)
        {
            await FinishSetAsync(address.Site, session, entry, stream, cancellationToken).ConfigureAwait(false);
            var from = stream.Classifier.Exercise;
            stream.Classifier.SetExercise(exercise);
            if (entry is not null && session is { Active: true })
            {
                var timeUs = batch.Samples[0].TimestampUs;
                await PublishAsync(address.Site, entry.Participant, new ExerciseChangeEvent
                {
                    Id = $"{address.EntityId}-exercise-{timeUs}",
                    Site = address.Site,
                    Participant = entry.Participant,
                    Sensor = address.EntityId,
                    Session = session.SessionId,
                    Time = DateTimeOffset.FromUnixTimeMilliseconds(timeUs / 1000),
                    From = from,
                    To = exercise,
                    Confidence = stream.Recognizer.Confidence, // 1 when it came from the station plan
                }, cancellationToken).ConfigureAwait(false);
            }
        }

        // The station's targets belong to its exercise: a participant recognised doing something else (walking to
        // the next station, say) is not measured against them.
        var plan = station is not null && station.Exercise == exercise ? station : null;
        foreach (var sample in batch.Samples)
        {
            if (stream.Classifier.Add(sample, plan?.TargetRomDeg) is { } rep)
            {
                if (entry is null || session is not { Active: true })
                {
                    continue; // nobody wears this sensor in a running session: nothing to attribute
                }

                if (stream.SetReps.Count > 0 && rep.Measurement.StartUs - stream.SetReps[^1].Measurement.EndUs > (long)(_options.SetBreak.TotalMilliseconds * 1000))
                {
                    await FinishSetAsync(address.Site, session, entry, stream, cancellationToken).ConfigureAwait(false);
                }

                await PublishRepAsync(address.Site, session, entry, plan, stream, rep, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static StationPlan? StationFor(SessionState session, RosterEntry entry) =>
        session.Stations.FirstOrDefault(s => s.Station == entry.Station) ?? (entry.Station is null && session.Stations.Count == 1 ? session.Stations[0] : null);

    private async Task PublishRepAsync(string site, SessionState session, RosterEntry entry, StationPlan? station, SensorStream stream, ClassifiedRep rep, CancellationToken cancellationToken)
    {
        stream.SetReps.Add(rep);
        var m = rep.Measurement;
        var repEvent = new RepEvent
        {
            Id = rep.Id,
            Site = site,
            Participant = entry.Participant,
            Sensor = entry.Sensor,
            Session = session.SessionId,
            Time = DateTimeOffset.FromUnixTimeMilliseconds(m.EndUs / 1000),
            StartTime = DateTimeOffset.FromUnixTimeMilliseconds(m.StartUs / 1000),
            Exercise = rep.Exercise,
            SetNumber = stream.SetNumber,
            RepNumber = stream.SetReps.Count,
            DurationS = Math.Round(m.DurationS, 3),
            RomDeg = Math.Round(m.RomDeg, 1),
            PeakAngularVelocityDps = Math.Round(m.PeakAngularVelocityDps, 1),
            Smoothness = Math.Round(m.Smoothness, 2),
            SwayDeg = Math.Round(m.SwayDeg, 1),
            TargetReps = station?.TargetReps,
            TargetRomDeg = station?.TargetRomDeg,
            Flags = rep.Flags,
        };
        await PublishAsync(site, entry.Participant, repEvent, cancellationToken).ConfigureAwait(false);
        _reps.Add(1);
        _latency.Record((_time.GetUtcNow().ToUnixTimeMilliseconds() * 1000 - m.EndUs) / 1000.0);
        foreach (var flag in rep.Flags)
        {
            await PublishAsync(site, entry.Participant, new FormFlagEvent
            {
                Id = $"{rep.Id}-{flag.Flag}",
                Site = site,
                Participant = entry.Participant,
                Sensor = entry.Sensor,
                Session = session.SessionId,
                Time = repEvent.Time,
                RepId = rep.Id,
                Exercise = rep.Exercise,
                Flag = flag,
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Publishes the summary of the set in progress (after a pause or an exercise change) and starts a new one.</summary>
    private async Task FinishSetAsync(string site, SessionState? session, RosterEntry? entry, SensorStream stream, CancellationToken cancellationToken)
    {
        var reps = stream.SetReps;
        if (reps.Count == 0 || entry is null || session is null)
        {
            reps.Clear();
            return;
        }

        var flagCounts = reps.SelectMany(r => r.Flags).GroupBy(f => f.Flag).ToDictionary(g => g.Key, g => g.Count());
        await PublishAsync(site, entry.Participant, new SetSummaryEvent
        {
            Id = $"{entry.Sensor}-set-{reps[0].Measurement.StartUs}",
            Site = site,
            Participant = entry.Participant,
            Sensor = entry.Sensor,
            Session = session.SessionId,
            Time = DateTimeOffset.FromUnixTimeMilliseconds(reps[^1].Measurement.EndUs / 1000),
            Exercise = reps[0].Exercise,
            SetNumber = stream.SetNumber,
            Reps = reps.Count,
            TargetReps = StationFor(session, entry)?.TargetReps,
            MeanRomDeg = Math.Round(reps.Average(r => r.Measurement.RomDeg), 1),
            MeanDurationS = Math.Round(reps.Average(r => r.Measurement.DurationS), 2),
            FlagCounts = flagCounts,
        }, cancellationToken).ConfigureAwait(false);
        stream.SetNumber++;
        reps.Clear();
    }

    /// <summary>Queues the event; <see cref="MqttPublishQueue"/> publishes it in order at QoS 1.</summary>
    private ValueTask PublishAsync(string site, string participant, MovementEvent movementEvent, CancellationToken cancellationToken) =>
        _outgoing.EnqueueAsync(Topics.ParticipantEvent(site, participant, movementEvent.EventType), ProtocolJson.Encode(movementEvent), retain: false, cancellationToken);


    public override void Dispose()
    {
        _connection.Dispose();
        base.Dispose();
    }

    private sealed class SensorStream(StreamClassifier classifier, ExerciseRecognizer recognizer)
    {
        public StreamClassifier Classifier { get; } = classifier;
        public ExerciseRecognizer Recognizer { get; } = recognizer;
        public uint? LastSequence { get; set; }
        public int SetNumber { get; set; } = 1;
        public List<ClassifiedRep> SetReps { get; } = [];
    }
}
