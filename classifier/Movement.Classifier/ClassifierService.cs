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
/// Subscribes to every sample stream and the session roster, routes each sensor's batches to the
/// <see cref="ParticipantClassifier"/> of the participant wearing it, and publishes what that concludes: rep, form
/// flag, exercise change and set summary events (QoS 1, ids stable across replays).
/// </summary>
public sealed class ClassifierService : BackgroundService
{
    private readonly ClassifierOptions _options;
    private readonly MqttConnection _connection;
    private readonly MqttPublishQueue _outgoing;
    private readonly ConcurrentDictionary<string, SessionState> _sessions = new();
    private readonly ConcurrentDictionary<(string Site, string Participant), ParticipantClassifier> _participants = new();
    private readonly ConcurrentDictionary<(string Site, string Sensor), SampleStreamGuard> _guards = new();
    private readonly Dictionary<string, Queue<(string Sensor, SampleBatch Batch)>> _beforeSession = new();
    private int _samplesBeforeSession;
    private readonly Counter<long> _rejectedBatches;
    private readonly Counter<long> _reps;
    private readonly Counter<long> _unattributed;
    private readonly Counter<long> _droppedBeforeSession;
    private readonly Histogram<double> _latency;
    private readonly TimeProvider _time;
    private readonly ExerciseRecognition _recognition;
    private readonly SampleFlow _flow;

    public ClassifierService(IServiceProvider services, IOptions<ClassifierOptions> options, ILogger<ClassifierService> logger, TimeProvider time, IMeterFactory meters)
    {
        _options = options.Value;
        _time = time;
        _recognition = services.GetRequiredService<ExerciseRecognition>();
        _flow = services.GetRequiredService<SampleFlow>();
        var meter = meters.Create("Movement.Classifier");
        _reps = meter.CreateCounter<long>("movement.classifier.reps", "{rep}");
        _rejectedBatches = meter.CreateCounter<long>("movement.classifier.implausible_batches", "{batch}", "Sample batches refused by SampleStreamGuard (redelivered, far from this clock, discontinuous, impossible values)");
        _unattributed = meter.CreateCounter<long>("movement.classifier.unattributed_batches", "{batch}", "Sample batches of a sensor nobody wears in the site's session");
        _droppedBeforeSession = meter.CreateCounter<long>("movement.classifier.dropped_before_session", "{batch}", $"Sample batches beyond the {MaxSamplesBeforeSession} samples held until the site's session arrives");
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
        _outgoing = new MqttPublishQueue(_connection);
    }

    /// <summary>
    /// Samples held until their site's session arrives (about 400 s of 10 sensors at 50 Hz, 6 MB): after a restart
    /// mosquitto delivers the batches it queued for the kept session before the retained session message.
    /// </summary>
    public const int MaxSamplesBeforeSession = 200_000;

    /// <summary>Sensor streams with plausibility state: only those on a roster (tests check it stays bounded).</summary>
    internal int GuardedStreams => _guards.Count;

    /// <summary>Participants with a classifier: only those on a roster.</summary>
    internal int Participants => _participants.Count;

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
                _flow.ObserveSession(address.Site, newSession!.Active);
                StartSession(address.Site, newSession!);
                await ClassifyHeldAsync(address.Site, cancellationToken).ConfigureAwait(false);
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

        _flow.ObserveSamples(address.Site);
        if (!_sessions.ContainsKey(address.Site))
        {
            HoldUntilSession(address.Site, address.EntityId, batch!);
            return;
        }

        await ClassifyAsync(address.Site, address.EntityId, batch!, cancellationToken).ConfigureAwait(false);
    }

    private void HoldUntilSession(string site, string sensor, SampleBatch batch)
    {
        if (_samplesBeforeSession + batch.Samples.Length > MaxSamplesBeforeSession)
        {
            _droppedBeforeSession.Add(1);
            return;
        }

        if (!_beforeSession.TryGetValue(site, out var queue))
        {
            _beforeSession[site] = queue = new();
        }

        queue.Enqueue((sensor, batch));
        _samplesBeforeSession += batch.Samples.Length;
    }

    /// <summary>The batches held for <paramref name="site"/> until its session came, classified in their order.</summary>
    private async ValueTask ClassifyHeldAsync(string site, CancellationToken cancellationToken)
    {
        if (!_beforeSession.Remove(site, out var held))
        {
            return;
        }

        foreach (var (sensor, batch) in held)
        {
            _samplesBeforeSession -= batch.Samples.Length;
            await ClassifyAsync(site, sensor, batch, cancellationToken).ConfigureAwait(false);
        }
    }


    private async ValueTask ClassifyAsync(string site, string sensor, SampleBatch batch, CancellationToken cancellationToken)
    {
        var topic = Topics.SensorSamples(site, sensor);
        var session = _sessions[site];
        var entry = session.Roster.FirstOrDefault(r => r.Sensor == sensor);
        if (entry is null || !_participants.TryGetValue((site, entry.Participant), out var participant))
        {
            _unattributed.Add(1); // nobody wears it: nothing to attribute, and no state to keep for an unknown placement
            return;
        }

        // Plausibility before anything can change state: a redelivery, a batch stamped far from this clock, a jump in
        // its counter or values no sensor can produce are dropped (counted, logged at a limited rate); the stream goes
        // on at its next good batch. Only sensors on a roster get this state: made-up sensor ids cost nothing.
        var guard = _guards.GetOrAdd((site, sensor), _ => new SampleStreamGuard(_time));
        if (!guard.TryAccept(batch, out var error))
        {
            _rejectedBatches.Add(1);
            _connection.RejectMessage(topic, error!);
            return;
        }

        // A timed circuit moves participants on (SessionState.StationAt); while it has them walking to the next
        // station they make steps, not reps.
        var time = DateTimeOffset.FromUnixTimeMilliseconds(batch.Samples[0].TimestampUs / 1000);
        var station = session.Active ? session.StationAt(entry, time) : null;
        var counting = session.Active && !session.IsChangingStation(entry, time);
        var outputs = new List<ParticipantOutput>();
        participant.Add(sensor, batch.Samples, station, counting, outputs);
        foreach (var output in outputs)
        {
            await PublishAsync(site, session, participant.Participant, output, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A session message (new, updated, or the same again): each participant on the roster gets their classifier, with
    /// the sensors they wear as the roster says; a new session numbers sets from 1 again.
    /// </summary>
    private void StartSession(string site, SessionState session)
    {
        var previous = _sessions.GetValueOrDefault(site);
        _sessions[site] = session;
        var isNew = previous?.SessionId != session.SessionId;
        foreach (var name in session.Roster.Select(r => r.Participant).Distinct())
        {
            _participants.GetOrAdd((site, name), key => new ParticipantClassifier(key.Participant, e => _recognition.CreateRecognizer(e.Placement, e.Side), _options.SetBreak));
        }

        foreach (var ((participantSite, _), participant) in _participants)
        {
            if (participantSite == site)
            {
                participant.Wear(session.Roster);
                if (isNew)
                {
                    participant.StartSession();
                }
            }
        }
    }

    private ValueTask PublishAsync(string site, SessionState session, string participant, ParticipantOutput output, CancellationToken cancellationToken) => output switch
    {
        RepCounted rep => PublishRepAsync(site, session, participant, rep, cancellationToken),
        SetFinished set => PublishAsync(site, participant, new SetSummaryEvent
        {
            Id = set.Id,
            Site = site,
            Participant = participant,
            Sensor = set.Sensor,
            PairedSensor = set.PairedSensor,
            Session = session.SessionId,
            Time = DateTimeOffset.FromUnixTimeMilliseconds(set.Reps[^1].Measurement.EndUs / 1000),
            Exercise = set.Exercise,
            SetNumber = set.SetNumber,
            Reps = set.Reps.Count,
            TargetReps = set.Plan?.TargetReps,
            MeanRomDeg = Math.Round(set.Reps.Average(r => r.Measurement.RomDeg), 1),
            RomKind = set.Reps.All(r => r.RomKind == set.Reps[0].RomKind) ? set.Reps[0].RomKind : null,
            MeanDurationS = Math.Round(set.Reps.Average(r => r.Measurement.DurationS), 2),
            FlagCounts = set.Reps.SelectMany(r => r.Flags).GroupBy(f => f.Flag).ToDictionary(g => g.Key, g => g.Count()),
        }, cancellationToken),
        ExerciseChanged change => PublishAsync(site, participant, new ExerciseChangeEvent
        {
            Id = $"{change.Sensor}-exercise-{change.TimeUs}",
            Site = site,
            Participant = participant,
            Sensor = change.Sensor,
            Session = session.SessionId,
            Time = DateTimeOffset.FromUnixTimeMilliseconds(change.TimeUs / 1000),
            From = change.From,
            To = change.To,
            Confidence = change.Confidence, // 1 when it came from the station plan
        }, cancellationToken),
        _ => ValueTask.CompletedTask,
    };

    private async ValueTask PublishRepAsync(string site, SessionState session, string participant, RepCounted counted, CancellationToken cancellationToken)
    {
        var rep = counted.Rep;
        var m = rep.Measurement;
        var repEvent = new RepEvent
        {
            Id = rep.Id,
            Site = site,
            Participant = participant,
            Sensor = counted.Sensor,
            PairedSensor = counted.PairedSensor,
            Session = session.SessionId,
            Time = DateTimeOffset.FromUnixTimeMilliseconds(m.EndUs / 1000),
            StartTime = DateTimeOffset.FromUnixTimeMilliseconds(m.StartUs / 1000),
            Exercise = rep.Exercise,
            SetNumber = counted.SetNumber,
            RepNumber = counted.RepNumber,
            DurationS = Math.Round(m.DurationS, 3),
            RomDeg = Math.Round(m.RomDeg, 1),
            PeakAngularVelocityDps = Math.Round(m.PeakAngularVelocityDps, 1),
            Smoothness = Math.Round(m.Smoothness, 2),
            SwayDeg = Math.Round(m.SwayDeg, 1),
            TargetReps = counted.Plan?.TargetReps,
            RomKind = rep.RomKind,
            TargetRomDeg = rep.TargetRomDeg, // only a target of the angle measured applies
            Flags = rep.Flags,
            Confidence = Math.Round(rep.Confidence, 2),
            LooksLike = rep.LooksLike,
        };
        await PublishAsync(site, participant, repEvent, cancellationToken).ConfigureAwait(false);
        _reps.Add(1);
        _latency.Record((_time.GetUtcNow().ToUnixTimeMilliseconds() * 1000 - m.EndUs) / 1000.0);
        foreach (var flag in rep.Flags)
        {
            await PublishAsync(site, participant, new FormFlagEvent
            {
                Id = $"{rep.Id}-{flag.Flag}",
                Site = site,
                Participant = participant,
                Sensor = counted.Sensor,
                PairedSensor = counted.PairedSensor,
                Session = session.SessionId,
                Time = repEvent.Time,
                RepId = rep.Id,
                Exercise = rep.Exercise,
                Flag = flag,
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Queues the event; <see cref="MqttPublishQueue"/> publishes it in order at QoS 1.</summary>
    private ValueTask PublishAsync(string site, string participant, MovementEvent movementEvent, CancellationToken cancellationToken) =>
        _outgoing.EnqueueAsync(Topics.ParticipantEvent(site, participant, movementEvent.EventType), ProtocolJson.Encode(movementEvent), retain: false, cancellationToken);


    public override void Dispose()
    {
        _connection.Dispose();
        base.Dispose();
    }
}
