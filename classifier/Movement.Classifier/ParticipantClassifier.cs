using Movement.Classifier.Pipeline;
using Movement.Classifier.Recognition;
using Movement.Protocol;

namespace Movement.Classifier;

/// <summary>Something the participant classifier concluded, in the order it happened.</summary>
public abstract record ParticipantOutput;

/// <summary>A rep counted for the participant: from <paramref name="Sensor"/> (with <paramref name="PairedSensor"/>, the thigh of a knee pair).</summary>
public sealed record RepCounted(ClassifiedRep Rep, string Sensor, string? PairedSensor, int SetNumber, int RepNumber, StationPlan? Plan) : ParticipantOutput;

/// <summary>A set that ended (a pause longer than the set break, or another exercise), with its reps.</summary>
public sealed record SetFinished(string Id, string Sensor, string? PairedSensor, string Exercise, int SetNumber, IReadOnlyList<ClassifiedRep> Reps, StationPlan? Plan) : ParticipantOutput;

/// <summary>The exercise counted changed (from the station plan, or the recogniser where there is no plan).</summary>
public sealed record ExerciseChanged(string Sensor, long TimeUs, string From, string To, double Confidence) : ParticipantOutput;

/// <summary>
/// Everything the classifier does for one participant, whatever they wear (one sensor, or a thigh and a shank on
/// one leg): each sensor's <see cref="StreamClassifier"/> and recogniser, the knee angle of a thigh + shank pair
/// (<see cref="KneePairClassifier"/>), which source counts each exercise (<see cref="ParticipantRepSource"/>), reps
/// claimed from the other sensor, sets and their numbers. The live service runs one per participant and the
/// <c>replay</c> command runs exactly this on one or more recordings of one person.
/// <para>
/// The station plan decides what is counted and against which targets: the recogniser cannot take reps away or add
/// them. Where it disagrees with the plan, the reps carry its opinion (<see cref="ClassifiedRep.LooksLike"/>) and a
/// lower <see cref="ClassifiedRep.Confidence"/>. Two things the recogniser does decide: walking is steps, not reps
/// (before it has made up its mind, each sensor's <see cref="StrideDetector"/> already tells strides by their heel
/// strikes), and without a plan it names the exercise, while counting goes on from the first rep under <c>unknown</c>.
/// </para>
/// </summary>
/// <param name="repSource">Which source counts an exercise for a thigh + shank participant; <see cref="ParticipantRepSource.For"/> unless an evaluation tries another.</param>
/// <param name="rangeBaseline">What partial range is judged against without a target (the shipped rule unless an evaluation tries another).</param>
/// <param name="plausibility">What a movement must be to count as a rep (<see cref="RepPlausibility"/>; the shipped rules unless an evaluation tries others).</param>
public sealed class ParticipantClassifier(string participant, Func<RosterEntry, ExerciseRecognizer> createRecognizer, TimeSpan setBreak, Func<string, RepSource>? repSource = null,
    RangeBaseline rangeBaseline = FormAssessor.ShippedRangeBaseline, RepPlausibility? plausibility = null)
{
    private readonly Func<string, RepSource> _repSource = repSource ?? ParticipantRepSource.For;

    /// <summary>A rep of the plan's exercise that the recogniser confidently calls something else: at most this sure.</summary>
    private const double DisputedConfidence = 0.5;

    /// <summary>A rep that another sensor found and this one measured over that time (claimed): this sure.</summary>
    private const double ClaimedConfidence = 0.6;

    /// <summary>A rep counted while the exercise is not known (no plan, recogniser undecided).</summary>
    private const double UnnamedConfidence = 0.6;

    /// <summary>How far past a shank rep the thigh must have been heard before the rep counts as missed by it.</summary>
    private const long ClaimAfterUs = 1_000_000;

    private readonly long _setBreakUs = (long)(setBreak.TotalMilliseconds * 1000);
    private readonly Dictionary<string, SensorState> _sensors = new(StringComparer.Ordinal);
    private readonly Dictionary<Side, KneeState> _knees = [];
    private int _setNumber;

    public string Participant { get; } = participant;

    public IEnumerable<string> Sensors => _sensors.Keys;

    /// <summary>The exercise one sensor counts now (unknown for a sensor the participant does not wear).</summary>
    public string ExerciseOf(string sensor) => _sensors.TryGetValue(sensor, out var s) ? s.Classifier.Exercise : ExerciseIds.Unknown;

    /// <summary>
    /// The sensors the roster says the participant wears. A sensor whose placement or side changed starts afresh with
    /// the new one (a stream first heard before the roster arrived is classified as what it is once it does); one no
    /// longer listed is dropped.
    /// </summary>
    public void Wear(IEnumerable<RosterEntry> entries)
    {
        var listed = entries.Where(e => e.Participant == Participant).ToList();
        foreach (var sensor in _sensors.Keys.Where(k => !listed.Exists(e => e.Sensor == k)).ToList())
        {
            _sensors.Remove(sensor);
        }

        foreach (var entry in listed)
        {
            if (!_sensors.TryGetValue(entry.Sensor, out var state) || state.Entry.Placement != entry.Placement || state.Entry.Side != entry.Side)
            {
                _sensors[entry.Sensor] = new SensorState(entry, new StreamClassifier(entry.Sensor, entry.Placement, entry.Side, rangeBaseline, plausibility), createRecognizer(entry));
            }
            else
            {
                state.Entry = entry; // the station may change; the stream carries on
            }
        }

        foreach (var side in new[] { Side.Left, Side.Right })
        {
            var thigh = _sensors.Values.FirstOrDefault(s => s.Entry.Side == side && s.Entry.Placement == Placement.Thigh);
            var shank = _sensors.Values.FirstOrDefault(s => s.Entry.Side == side && s.Entry.Placement == Placement.Shank);
            if (thigh is null || shank is null)
            {
                _knees.Remove(side);
            }
            else if (!_knees.TryGetValue(side, out var knee) || knee.Thigh != thigh || knee.Shank != shank)
            {
                _knees[side] = new KneeState(thigh, shank, new KneePairClassifier(thigh.Entry.Sensor, shank.Entry.Sensor, side, rangeBaseline), _repSource);
            }
        }
    }

    /// <summary>A new session: sets are numbered from 1 again.</summary>
    public void StartSession() => _setNumber = 0;

    /// <summary>
    /// Classifies one batch of one sensor's samples (in time order, as the gateway batches them).
    /// </summary>
    /// <param name="plan">The participant's station plan, or null (no plan: the recogniser names the exercise).</param>
    /// <param name="counting">False outside a running session: the streams keep their state but nothing is counted.</param>
    public void Add(string sensor, ReadOnlySpan<ImuSample> samples, StationPlan? plan, bool counting, ICollection<ParticipantOutput> output)
    {
        if (!_sensors.TryGetValue(sensor, out var stream))
        {
            return;
        }

        if (samples.Length > 0)
        {
            stream.LastSampleUs = samples[^1].TimestampUs;
        }

        var knee = _knees.GetValueOrDefault(stream.Entry.Side);
        knee = knee is not null && (knee.Thigh == stream || knee.Shank == stream) ? knee : null;
        stream.Recognised = stream.Recognizer.Update(plan?.Exercise, samples);
        // A pair's participant does one exercise: the shank's recogniser decides it for both (the thigh's while the
        // shank is silent), and only that sensor announces exercise changes.
        var nowUs = samples.Length > 0 ? samples[0].TimestampUs : stream.LastSampleUs;
        var owner = knee is null || knee.ExerciseOwner(stream, nowUs);
        var decider = owner ? stream : knee!.Shank;
        var exercise = Counted(plan?.Exercise, decider.Recognised);
        var opinion = decider.Recognised != exercise && decider.Recognised is not (ExerciseIds.Unknown or ExerciseIds.Rest) ? decider.Recognised : null;
        var exerciseConfidence = opinion is not null ? Math.Min(DisputedConfidence, 1 - decider.Recognizer.Confidence)
            : plan is not null ? 1
            : exercise == ExerciseIds.Unknown ? UnnamedConfidence : decider.Recognizer.Confidence;

        // The knee pair's set closes before the change is announced, as a sensor's does.
        if (knee is not null && owner && knee.Classifier.Exercise != exercise)
        {
            EndSetForNewExercise(knee.Set, knee.Shank.Entry.Sensor, knee.Thigh.Entry.Sensor, exercise, output);
            knee.Classifier.SetExercise(exercise);
        }

        if (exercise != stream.Classifier.Exercise && samples.Length > 0)
        {
            EndSetForNewExercise(stream.Set, sensor, null, exercise, output);
            var from = stream.Classifier.Exercise;
            stream.Classifier.SetExercise(exercise);
            if (counting && owner)
            {
                output.Add(new ExerciseChanged(sensor, samples[0].TimestampUs, from, exercise, plan is not null ? 1 : decider.Recognizer.Confidence));
            }
        }

        // The plan's targets belong to its exercise: walking to the next station is not measured against them.
        var target = plan is not null && plan.Exercise == exercise ? plan.RangeTarget() : null;
        var countedPlan = plan is not null && plan.Exercise == exercise ? plan : null;
        foreach (ref readonly var sample in samples)
        {
            if (stream.Classifier.Add(sample, target) is { } rep)
            {
                stream.RememberRep(rep.Measurement);
                if (!counting || rep.Exercise == ExerciseIds.Walking)
                {
                    continue; // walking is steps, not reps
                }

                if (knee is not null && !knee.PublishesSingle(stream, exercise, sample.TimestampUs))
                {
                    if (knee.WatchesForMissedReps(stream, exercise))
                    {
                        stream.Unclaimed.Add((rep with { Confidence = exerciseConfidence, LooksLike = opinion }, target));
                    }

                    continue; // another source counts this participant's reps of this exercise
                }

                Count(stream.Set, sensor, null, rep with { Confidence = exerciseConfidence, LooksLike = opinion }, countedPlan, output);
            }

            // The knee takes this sensor's orientation from its own pipeline, which has just filtered this sample.
            knee?.Classifier.Add(stream.Entry.Placement, sample.TimestampUs, stream.Classifier.Pipeline);
        }

        if (knee is null)
        {
            return;
        }

        if (counting)
        {
            ClaimMissedReps(knee, countedPlan, output);
        }

        while (knee.Classifier.TryNextRep(target, out var kneeRep))
        {
            if (counting && kneeRep.Exercise != ExerciseIds.Walking && _repSource(kneeRep.Exercise) == RepSource.KneePair
                && !knee.Thigh.Classifier.WalkedDuring(kneeRep.Measurement) && !knee.Shank.Classifier.WalkedDuring(kneeRep.Measurement))
            {
                Count(knee.Set, knee.Shank.Entry.Sensor, knee.Thigh.Entry.Sensor, kneeRep with { Confidence = exerciseConfidence, LooksLike = opinion }, countedPlan, output);
            }
        }
    }

    /// <summary>Ends every set in progress (the end of a replay).</summary>
    public void Finish(ICollection<ParticipantOutput> output)
    {
        foreach (var stream in _sensors.Values)
        {
            FinishSet(stream.Set, stream.Entry.Sensor, null, output);
        }

        foreach (var knee in _knees.Values)
        {
            FinishSet(knee.Set, knee.Shank.Entry.Sensor, knee.Thigh.Entry.Sensor, output);
        }
    }

    /// <summary>The exercise counted: the plan's, except that walking is never a station's exercise (it is steps).</summary>
    private static string Counted(string? planned, string recognised) => recognised == ExerciseIds.Walking ? ExerciseIds.Walking : planned ?? recognised;

    /// <summary>
    /// A straight-leg raise is the thigh's rep, but a participant who bends the knee instead of lifting the leg moves
    /// the shank and hardly the thigh (UCI s1/e5's low-amplitude block: shank 20-30°, thigh 0.5-3°). Such a shank rep,
    /// once the thigh's stream has run past it without a rep of its own there, is counted as the thigh's rep with
    /// the thigh's range over that time: a partial rep, which is what it is.
    /// </summary>
    private void ClaimMissedReps(KneeState knee, StationPlan? plan, ICollection<ParticipantOutput> output)
    {
        var (thigh, shank) = (knee.Thigh, knee.Shank);
        while (shank.Unclaimed.Count > 0 && thigh.LastSampleUs - shank.Unclaimed[0].Rep.Measurement.EndUs > ClaimAfterUs)
        {
            var (found, target) = shank.Unclaimed[0];
            shank.Unclaimed.RemoveAt(0);
            if (thigh.Classifier.Exercise != found.Exercise || thigh.SawRepDuring(found.Measurement))
            {
                continue;
            }

            var rep = thigh.Classifier.JudgeMissedRep(found.Measurement, target);
            var confidence = Math.Min(found.Confidence, ClaimedConfidence);
            Count(thigh.Set, thigh.Entry.Sensor, null, rep with { Confidence = confidence, LooksLike = found.LooksLike }, plan is not null && plan.Exercise == rep.Exercise ? plan : null, output);
        }
    }

    private void Count(RepSet set, string sensor, string? pairedSensor, ClassifiedRep rep, StationPlan? plan, ICollection<ParticipantOutput> output)
    {
        if (set.Reps.Count > 0 && rep.Measurement.StartUs - set.Reps[^1].Measurement.EndUs > _setBreakUs)
        {
            FinishSet(set, sensor, pairedSensor, output);
        }

        if (set.Reps.Count == 0)
        {
            set.SetNumber = ++_setNumber; // one sequence per participant, whichever source counts the set
            set.Plan = plan;
        }

        set.Reps.Add(rep);
        output.Add(new RepCounted(rep, sensor, pairedSensor, set.SetNumber, set.Reps.Count, plan));
    }

    /// <summary>
    /// Another exercise ends the set, unless the set so far was counted as unknown: then the recogniser has just
    /// named what the participant was doing, and the set (and its count) carries on under that name.
    /// </summary>
    private static void EndSetForNewExercise(RepSet set, string sensor, string? pairedSensor, string exercise, ICollection<ParticipantOutput> output)
    {
        if (set.Reps.Count > 0 && set.Reps[^1].Exercise == ExerciseIds.Unknown && exercise is not (ExerciseIds.Walking or ExerciseIds.Rest))
        {
            return;
        }

        FinishSet(set, sensor, pairedSensor, output);
    }

    private static void FinishSet(RepSet set, string sensor, string? pairedSensor, ICollection<ParticipantOutput> output)
    {
        if (set.Reps.Count == 0)
        {
            return;
        }

        var id = pairedSensor is null ? $"{sensor}-set-{set.Reps[0].Measurement.StartUs}" : $"{sensor}-knee-set-{set.Reps[0].Measurement.StartUs}";
        output.Add(new SetFinished(id, sensor, pairedSensor, set.Reps[^1].Exercise, set.SetNumber, [.. set.Reps], set.Plan));
        set.Reps.Clear();
    }

    private sealed class SensorState(RosterEntry entry, StreamClassifier classifier, ExerciseRecognizer recognizer)
    {
        public RosterEntry Entry { get; set; } = entry;
        public StreamClassifier Classifier { get; } = classifier;
        public ExerciseRecognizer Recognizer { get; } = recognizer;
        public string Recognised { get; set; } = ExerciseIds.Unknown;
        public long LastSampleUs { get; set; } = long.MinValue;
        public RepSet Set { get; } = new();

        /// <summary>Reps this sensor found that another source counts, waiting to see whether that source found them too.</summary>
        public List<(ClassifiedRep Rep, RangeTarget? Target)> Unclaimed { get; } = [];

        private readonly Queue<(long StartUs, long EndUs)> _recentReps = new();

        /// <summary>Keeps the last few reps' time spans (counted or not) for <see cref="SawRepDuring"/>.</summary>
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

    /// <summary>The set in progress of one rep source (a sensor, or a knee pair).</summary>
    private sealed class RepSet
    {
        public int SetNumber { get; set; }
        public StationPlan? Plan { get; set; }
        public List<ClassifiedRep> Reps { get; } = [];
    }

    /// <summary>A thigh and a shank on one leg and their knee angle.</summary>
    private sealed class KneeState(SensorState thigh, SensorState shank, KneePairClassifier classifier, Func<string, RepSource> repSource)
    {
        private static readonly long SilentAfterUs = (long)(KneeAngleEstimator.MaxLag.TotalMilliseconds * 1000);

        public SensorState Thigh { get; } = thigh;
        public SensorState Shank { get; } = shank;
        public KneePairClassifier Classifier { get; } = classifier;
        public RepSet Set { get; } = new();

        /// <summary>Whose recogniser decides the exercise: the shank's, unless it is silent (or has not started) and the thigh is not.</summary>
        public bool ExerciseOwner(SensorState stream, long nowUs) => stream == Shank || IsSilent(Shank, nowUs);

        /// <summary>Whether a single sensor's rep is this participant's rep: its placement is the exercise's source, or the source is silent.</summary>
        public bool PublishesSingle(SensorState stream, string exercise, long nowUs) => repSource(exercise) switch
        {
            RepSource.Thigh => stream == Thigh || IsSilent(Thigh, nowUs),
            RepSource.Shank => stream == Shank || IsSilent(Shank, nowUs),
            // The knee needs both: while one is silent the other counts alone.
            _ => IsSilent(stream == Thigh ? Shank : Thigh, nowUs),
        };

        /// <summary>Whether this sensor's uncounted reps of the exercise should wait for <see cref="ClaimMissedReps"/>.</summary>
        public bool WatchesForMissedReps(SensorState stream, string exercise) =>
            stream == Shank && exercise == ExerciseIds.StraightLegRaise && repSource(exercise) == RepSource.Thigh;

        private static bool IsSilent(SensorState stream, long nowUs) => stream.LastSampleUs == long.MinValue || nowUs - stream.LastSampleUs > SilentAfterUs;
    }
}
