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
/// for the participant wearing the sensor. A participant wearing a thigh and a shank sensor on one leg also gets a
/// <see cref="KneePairClassifier"/>, and their reps come from one source per exercise (<see cref="ParticipantRepSource"/>).
/// </summary>
public sealed class ClassifierService : BackgroundService
{
    private readonly ClassifierOptions _options;
    private readonly MqttConnection _connection;
    private readonly MqttPublishQueue _outgoing;
    private readonly ConcurrentDictionary<(string Site, string Sensor), SensorStream> _streams = new();
    private readonly ConcurrentDictionary<string, SessionState> _sessions = new();
    private readonly ConcurrentDictionary<(string Site, string Thigh, string Shank), RepSet> _pairs = new();

    /// <summary>
    /// The last set number given to each participant in a session. Sets are numbered per participant, not per rep
    /// source: a participant wearing a thigh and a shank sensor counts sets from the knee pair, the thigh and the
    /// shank, and the supervisor should see one sequence 1, 2, 3.
    /// </summary>
    private readonly ConcurrentDictionary<(string Site, string Session, string Participant), int> _setNumbers = new();

    /// <summary>How far past a shank rep the thigh must have been heard before the rep counts as missed by it.</summary>
    private const long ClaimAfterUs = 1_000_000;
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
                foreach (var key in _setNumbers.Keys.Where(k => k.Site == address.Site && k.Session != newSession!.SessionId))
                {
                    _setNumbers.TryRemove(key, out _); // sets are numbered afresh in each session
                }
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
        if (batch.Samples.Length > 0)
        {
            stream.LastSampleUs = batch.Samples[^1].TimestampUs;
        }

        var pair = entry is null || session is null ? null : PairOf(address.Site, session, entry);
        var station = entry is null || session is not { Active: true } ? null : StationFor(session, entry, batch.Samples.Length > 0 ? batch.Samples[0].TimestampUs : stream.LastSampleUs);
        // Recognition (Recognition/): the station plan is a strong prior; the model may override it when confident and stable.
        var recognised = stream.Recognizer.Update(station?.Exercise, batch.Samples);
        // A pair's participant does one exercise: the shank's recogniser decides it for both (the thigh's while the
        // shank is silent), and only that sensor announces exercise changes.
        var owner = pair is null || pair.Value.ExerciseOwner(entry!, batch.Samples.Length > 0 ? batch.Samples[0].TimestampUs : stream.LastSampleUs);
        var exercise = owner ? recognised : pair!.Value.Shank!.Classifier.Exercise;
        // The knee pair's set closes before the change is announced, as a sensor's does.
        if (pair is { } p && owner && p.Knee.Classifier!.Exercise != exercise)
        {
            await FinishSetAsync(address.Site, session, p.ShankEntry, p.Knee, p.ThighEntry.Sensor, cancellationToken).ConfigureAwait(false);
            p.Knee.Classifier.SetExercise(exercise);
        }

        if (exercise != stream.Classifier.Exercise && batch.Samples.Length > 0)
        {
            await FinishSetAsync(address.Site, session, entry, stream.Set, null, cancellationToken).ConfigureAwait(false);
            var from = stream.Classifier.Exercise;
            stream.Classifier.SetExercise(exercise);
            if (entry is not null && session is { Active: true } && owner)
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
                stream.RememberRep(rep.Measurement);
                if (entry is null || session is not { Active: true })
                {
                    continue; // nobody wears this sensor in a running session: nothing to attribute
                }

                if (pair is { } q && !q.PublishesSingle(entry, exercise, sample.TimestampUs))
                {
                    if (q.WatchesForMissedReps(entry, exercise))
                    {
                        stream.Unclaimed.Add((rep, plan?.TargetRomDeg));
                    }

                    continue; // another source counts this participant's reps of this exercise
                }

                await PublishRepWithSetBreakAsync(address.Site, session, entry, plan, stream.Set, rep, null, cancellationToken).ConfigureAwait(false);
            }

            pair?.Knee.Classifier!.Add(entry!.Placement, sample);
        }

        if (pair is { } missed && session is not null)
        {
            await ClaimMissedRepsAsync(address.Site, session, missed, cancellationToken).ConfigureAwait(false);
        }

        if (pair is { } k)
        {
            var kneePlan = session is { Active: true } && StationFor(session, k.ShankEntry, stream.LastSampleUs) is { } s && s.Exercise == k.Knee.Classifier!.Exercise ? s : null;
            while (k.Knee.Classifier!.TryNextRep(kneePlan?.TargetRomDeg, out var kneeRep))
            {
                if (session is { Active: true } && ParticipantRepSource.For(kneeRep.Exercise) == RepSource.KneePair)
                {
                    await PublishRepWithSetBreakAsync(address.Site, session, k.ShankEntry, kneePlan, k.Knee, kneeRep, k.ThighEntry.Sensor, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>
    /// A straight-leg raise is the thigh's rep, but a participant who bends the knee instead of lifting the leg moves
    /// the shank and hardly the thigh (UCI e5's low-amplitude block: shank 20-30°, thigh 0.5-3°). Such a shank rep,
    /// once the thigh's stream has run past it without a rep of its own there, is counted as the thigh's rep with
    /// the thigh's range over that time: a partial rep, which is what it is.
    /// </summary>
    private async Task ClaimMissedRepsAsync(string site, SessionState session, ParticipantPair pair, CancellationToken cancellationToken)
    {
        if (pair.Thigh is not { } thigh || pair.Shank is not { } shank || shank.Unclaimed.Count == 0 || session is not { Active: true })
        {
            return;
        }

        while (shank.Unclaimed.Count > 0 && thigh.LastSampleUs - shank.Unclaimed[0].Rep.Measurement.EndUs > ClaimAfterUs)
        {
            var (found, target) = shank.Unclaimed[0];
            shank.Unclaimed.RemoveAt(0);
            if (thigh.Classifier.Exercise != found.Exercise || thigh.SawRepDuring(found.Measurement))
            {
                continue;
            }

            var rep = thigh.Classifier.JudgeMissedRep(found.Measurement, target);
            var plan = StationFor(session, pair.ThighEntry, rep.Measurement.StartUs) is { } station && station.Exercise == rep.Exercise ? station : null;
            await PublishRepWithSetBreakAsync(site, session, pair.ThighEntry, plan, thigh.Set, rep, null, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PublishRepWithSetBreakAsync(string site, SessionState session, RosterEntry entry, StationPlan? plan, RepSet set, ClassifiedRep rep, string? pairedSensor, CancellationToken cancellationToken)
    {
        if (session.IsChangingStation(entry, TimeOf(rep.Measurement.StartUs)))
        {
            return; // the plan has the participant walking to their next station: steps, not reps
        }

        if (set.Reps.Count > 0 && rep.Measurement.StartUs - set.Reps[^1].Measurement.EndUs > (long)(_options.SetBreak.TotalMilliseconds * 1000))
        {
            await FinishSetAsync(site, session, entry, set, pairedSensor, cancellationToken).ConfigureAwait(false);
        }

        await PublishRepAsync(site, session, entry, plan, set, rep, pairedSensor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The thigh + shank pair this sensor belongs to (same participant, same side in the roster), or null when the
    /// participant wears one sensor on that leg.
    /// </summary>
    private ParticipantPair? PairOf(string site, SessionState session, RosterEntry entry)
    {
        if (entry.Placement is not (Placement.Thigh or Placement.Shank))
        {
            return null;
        }

        RosterEntry? thigh = null, shank = null;
        foreach (var r in session.Roster)
        {
            if (r.Participant == entry.Participant && r.Side == entry.Side)
            {
                thigh ??= r.Placement == Placement.Thigh ? r : null;
                shank ??= r.Placement == Placement.Shank ? r : null;
            }
        }

        if (thigh is null || shank is null)
        {
            return null;
        }

        var knee = _pairs.GetOrAdd((site, thigh.Sensor, shank.Sensor), key => new RepSet(new KneePairClassifier(key.Thigh, key.Shank, entry.Side)));
        SensorStream? Stream(string sensor) => _streams.GetValueOrDefault((site, sensor));
        return new ParticipantPair(thigh, shank, Stream(thigh.Sensor), Stream(shank.Sensor), knee);
    }

    /// <summary>The participant's station at a sample time: a timed circuit moves them on (SessionState.StationAt).</summary>
    private static StationPlan? StationFor(SessionState session, RosterEntry entry, long timeUs) => session.StationAt(entry, TimeOf(timeUs));

    private static DateTimeOffset TimeOf(long timeUs) => DateTimeOffset.FromUnixTimeMilliseconds(timeUs / 1000);

    private async Task PublishRepAsync(string site, SessionState session, RosterEntry entry, StationPlan? station, RepSet set, ClassifiedRep rep, string? pairedSensor, CancellationToken cancellationToken)
    {
        if (set.Reps.Count == 0)
        {
            set.SetNumber = _setNumbers.AddOrUpdate((site, session.SessionId, entry.Participant), 1, (_, last) => last + 1);
        }

        set.Reps.Add(rep);
        var m = rep.Measurement;
        var repEvent = new RepEvent
        {
            Id = rep.Id,
            Site = site,
            Participant = entry.Participant,
            Sensor = entry.Sensor,
            PairedSensor = pairedSensor,
            Session = session.SessionId,
            Time = DateTimeOffset.FromUnixTimeMilliseconds(m.EndUs / 1000),
            StartTime = DateTimeOffset.FromUnixTimeMilliseconds(m.StartUs / 1000),
            Exercise = rep.Exercise,
            SetNumber = set.SetNumber,
            RepNumber = set.Reps.Count,
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
                PairedSensor = pairedSensor,
                Session = session.SessionId,
                Time = repEvent.Time,
                RepId = rep.Id,
                Exercise = rep.Exercise,
                Flag = flag,
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Publishes the summary of the set in progress (after a pause or an exercise change) and starts a new one.</summary>
    private async Task FinishSetAsync(string site, SessionState? session, RosterEntry? entry, RepSet set, string? pairedSensor, CancellationToken cancellationToken)
    {
        var reps = set.Reps;
        if (reps.Count == 0 || entry is null || session is null)
        {
            reps.Clear();
            return;
        }

        var flagCounts = reps.SelectMany(r => r.Flags).GroupBy(f => f.Flag).ToDictionary(g => g.Key, g => g.Count());
        await PublishAsync(site, entry.Participant, new SetSummaryEvent
        {
            Id = pairedSensor is null ? $"{entry.Sensor}-set-{reps[0].Measurement.StartUs}" : $"{entry.Sensor}-knee-set-{reps[0].Measurement.StartUs}",
            Site = site,
            Participant = entry.Participant,
            Sensor = entry.Sensor,
            PairedSensor = pairedSensor,
            Session = session.SessionId,
            Time = DateTimeOffset.FromUnixTimeMilliseconds(reps[^1].Measurement.EndUs / 1000),
            Exercise = reps[0].Exercise,
            SetNumber = set.SetNumber,
            Reps = reps.Count,
            TargetReps = StationFor(session, entry, reps[0].Measurement.StartUs)?.TargetReps,
            MeanRomDeg = Math.Round(reps.Average(r => r.Measurement.RomDeg), 1),
            MeanDurationS = Math.Round(reps.Average(r => r.Measurement.DurationS), 2),
            FlagCounts = flagCounts,
        }, cancellationToken).ConfigureAwait(false);
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
        public long LastSampleUs { get; set; } = long.MinValue;
        public RepSet Set { get; } = new(null);

        /// <summary>Reps this sensor found that another source counts, waiting to see whether that source found them too.</summary>
        public List<(ClassifiedRep Rep, double? TargetRomDeg)> Unclaimed { get; } = [];

        private readonly Queue<(long StartUs, long EndUs)> _recentReps = new();

        /// <summary>Keeps the last few reps' time spans (published or not) for <see cref="SawRepDuring"/>.</summary>
        public void RememberRep(in RepMeasurement rep)
        {
            if (_recentReps.Count == 8)
            {
                _recentReps.Dequeue();
            }

            _recentReps.Enqueue((rep.StartUs, rep.EndUs));
        }

        public bool SawRepDuring(in RepMeasurement other)
        {
            foreach (var (startUs, endUs) in _recentReps)
            {
                if (startUs < other.EndUs && endUs > other.StartUs)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The set in progress of one rep source (a sensor, or a knee pair with its classifier).</summary>
    private sealed class RepSet(KneePairClassifier? classifier)
    {
        public KneePairClassifier? Classifier { get; } = classifier;
        /// <summary>The participant's set number of the set in progress, given at its first rep.</summary>
        public int SetNumber { get; set; }
        public List<ClassifiedRep> Reps { get; } = [];
    }

    /// <summary>A participant's thigh and shank on one leg, their streams as far as they exist, and their knee pair.</summary>
    private readonly record struct ParticipantPair(RosterEntry ThighEntry, RosterEntry ShankEntry, SensorStream? Thigh, SensorStream? Shank, RepSet Knee)
    {
        private static readonly long SilentAfterUs = (long)(KneeAngleEstimator.MaxLag.TotalMilliseconds * 1000);

        /// <summary>Whose recogniser decides the exercise: the shank's, unless it is silent (or has not started) and the thigh is not.</summary>
        public bool ExerciseOwner(RosterEntry entry, long nowUs) =>
            entry.Placement == Placement.Shank || IsSilent(Shank, nowUs);

        /// <summary>Whether a single sensor's rep is this participant's rep: its placement is the exercise's source, or the source is silent.</summary>
        public bool PublishesSingle(RosterEntry entry, string exercise, long nowUs) => ParticipantRepSource.For(exercise) switch
        {
            RepSource.Thigh => entry.Placement == Placement.Thigh || IsSilent(Thigh, nowUs),
            RepSource.Shank => entry.Placement == Placement.Shank || IsSilent(Shank, nowUs),
            // The knee needs both: while one is silent the other counts alone.
            _ => IsSilent(entry.Placement == Placement.Thigh ? Shank : Thigh, nowUs),
        };

        /// <summary>Whether this sensor's unpublished reps of the exercise should wait for <see cref="ClaimMissedRepsAsync"/>.</summary>
        public bool WatchesForMissedReps(RosterEntry entry, string exercise) =>
            entry.Placement == Placement.Shank && exercise == ExerciseIds.StraightLegRaise && ParticipantRepSource.For(exercise) == RepSource.Thigh;

        private static bool IsSilent(SensorStream? stream, long nowUs) => stream is null || nowUs - stream.LastSampleUs > SilentAfterUs;
    }
}
