using Movement.Protocol;

namespace Movement.Classifier.Pipeline;

/// <summary>A repetition with what the classifier concluded about it.</summary>
/// <param name="Id">Stable across replays: sensor id and the rep's start and end sample times.</param>
/// <param name="RomKind">What the measurement's range is an angle of: the knee (a pair's rep) or the sensor's own segment.</param>
/// <param name="TargetRomDeg">The target range the rep was judged against: the station's, when it is of the same angle.</param>
public sealed record ClassifiedRep(string Id, int RepNumber, string Exercise, RepMeasurement Measurement, IReadOnlyList<FormFlag> Flags, RomKind RomKind, double? TargetRomDeg)
{
    /// <summary>How sure the classifier is that this is one rep of <see cref="Exercise"/> (0..1; see <see cref="ParticipantClassifier"/>).</summary>
    public double Confidence { get; init; } = 1;

    /// <summary>The exercise the recogniser thinks this is, when it disagrees with the one counted (the plan's).</summary>
    public string? LooksLike { get; init; }
}

/// <summary>
/// Everything the classifier does for one sensor stream: the <see cref="SensorPipeline"/> (segmentation and
/// measurements) and the <see cref="FormAssessor"/> (flags). The live service and the replay command both
/// classify through this type, so a recording replays exactly as it would have been classified live.
/// </summary>
/// <param name="plausibility">What a movement must be to count as a rep (the shipped rules unless an evaluation tries others).</param>
public sealed class StreamClassifier(string sensorId, Placement placement = Placement.Other, Side? side = null, RangeBaseline rangeBaseline = FormAssessor.ShippedRangeBaseline,
    RepPlausibility? plausibility = null)
{
    /// <summary>A first half left waiting longer than this is not part of a rep (the set ended, or a half was missed).</summary>
    public static readonly TimeSpan MaxWaitForSecondMovement = TimeSpan.FromSeconds(6);

    private readonly FormAssessor _form = new(rangeBaseline, RomKinds.OfSegment(placement));
    private readonly RepPlausibility _plausibility = plausibility ?? RepPlausibility.Shipped;
    private readonly StrideDetector _strides = new((plausibility ?? RepPlausibility.Shipped).Stride);
    private string _exercise = ExerciseIds.Unknown;
    private int _movementsPerRep = 1;
    private RepMeasurement? _firstMovement;

    // The segmented angle's range per 0.1 s slot over the last 30 s, for measuring a rep another sensor found.
    private const int HistorySlots = 300;
    private const long HistorySlotUs = 100_000;
    private readonly long[] _historySlot = new long[HistorySlots];
    private readonly float[] _historyMinDeg = new float[HistorySlots];
    private readonly float[] _historyMaxDeg = new float[HistorySlots];

    public string SensorId { get; } = sensorId;

    public SensorPipeline Pipeline { get; } = new(placement, side);

    public int Reps { get; private set; }

    public string Exercise => _exercise;

    /// <summary>
    /// Sets the exercise (from the station plan, a hint or the recogniser). A different exercise starts a new
    /// baseline: a leg raise's range says nothing about a knee extension's.
    /// </summary>
    public void SetExercise(string exercise)
    {
        if (exercise == _exercise)
        {
            return;
        }

        var naming = _exercise == ExerciseIds.Unknown && Reps > 0;
        _exercise = exercise;
        var measureRise = exercise == ExerciseIds.HeelRaise;
        var movementsPerRep = MovementsPerRep(exercise, Pipeline.Placement);
        if (naming && !measureRise && movementsPerRep == _movementsPerRep)
        {
            // The recogniser has named what was being counted as unknown: the same movement, so its segmentation
            // and baseline carry on and no rep is lost while recognition made up its mind.
            return;
        }

        _form.Reset();
        // A heel raise turns the ankle, which no knee sensor is on: what the sensor feels is the leg rising.
        Pipeline.StartNewExercise(measureRise);
        _movementsPerRep = movementsPerRep;
        _firstMovement = null;
        Reps = 0;
    }

    /// <summary>Feeds one sample; returns the rep this sample completed, if any.</summary>
    /// <param name="target">The station's target range; it applies only if it is of this sensor's segment (<see cref="FormAssessor"/>).</param>
    public ClassifiedRep? Add(in ImuSample sample, RangeTarget? target = null)
    {
        var flips = Pipeline.DirectionFlips;
        _strides.Add(sample);
        var completed = Pipeline.Add(sample, out var rep);
        RecordAngle(sample.TimestampUs, Pipeline.AngleDeg);
        if (Pipeline.DirectionFlips != flips)
        {
            _form.Reset(); // the baseline so far was measured the wrong way round
        }

        if (!completed)
        {
            return null;
        }

        if (!StrideDetector.StepsAreTheExercise(_exercise) && _strides.IsStride(rep.StartUs, rep.EndUs))
        {
            // A stride is steps, not a rep: not counted, and not part of the participant's baseline.
            return new ClassifiedRep(RepId(SensorId, rep), 0, ExerciseIds.Walking, rep, [], _form.Measures, null);
        }

        if (_plausibility.TooSmall(_exercise, Pipeline.Placement, rep))
        {
            return null; // smaller than any real rep of the exercise: a resting leg rocking with the other one
        }

        if (_movementsPerRep == 2)
        {
            if (_firstMovement is not { } first || rep.StartUs - first.EndUs > (long)(MaxWaitForSecondMovement.TotalMilliseconds * 1000))
            {
                _firstMovement = rep;
                return null;
            }

            _firstMovement = null;
            rep = Combine(first, rep);
        }

        return Judge(rep, target);
    }

    /// <summary>Whether this sensor felt a walking stride over a movement's span (for reps found by the knee pair).</summary>
    public bool WalkedDuring(in RepMeasurement movement) => _strides.IsStride(movement.StartUs, movement.EndUs);

    /// <summary>
    /// Judges, as one of this stream's own reps, a movement the participant's other sensor found in a window where
    /// this sensor found none (see ClassifierService: a straight-leg raise done by bending the knee). Its range is
    /// what this sensor's angle did over that window, so it is measured against this stream's baseline like any rep.
    /// </summary>
    public ClassifiedRep JudgeMissedRep(in RepMeasurement found, RangeTarget? target)
    {
        var rom = AngleRangeDeg(found.StartUs, found.EndUs) ?? 0;
        return Judge(found with { RomDeg = rom }, target);
    }

    private ClassifiedRep Judge(in RepMeasurement rep, RangeTarget? target)
    {
        Reps++;
        var flags = _form.Assess(rep, target, judgeTempo: JudgesTempo);
        return new ClassifiedRep(RepId(SensorId, rep), Reps, _exercise, rep, flags, _form.Measures, _form.TargetFor(target));
    }

    /// <summary>Range of the segmented angle between two times within the last 30 s (null when nothing was recorded then).</summary>
    public double? AngleRangeDeg(long fromUs, long toUs)
    {
        double min = double.MaxValue, max = double.MinValue;
        var lastSlot = toUs / HistorySlotUs;
        for (var slot = Math.Max(fromUs / HistorySlotUs, lastSlot - HistorySlots + 1); slot <= lastSlot; slot++)
        {
            var i = (int)(slot % HistorySlots);
            if (_historySlot[i] == slot + 1)
            {
                min = Math.Min(min, _historyMinDeg[i]);
                max = Math.Max(max, _historyMaxDeg[i]);
            }
        }

        return max >= min ? max - min : null;
    }

    private void RecordAngle(long timeUs, double angleDeg)
    {
        var slot = timeUs / HistorySlotUs;
        var i = (int)(slot % HistorySlots);
        if (_historySlot[i] != slot + 1)
        {
            _historySlot[i] = slot + 1; // +1: 0 means empty
            _historyMinDeg[i] = _historyMaxDeg[i] = (float)angleDeg;
            return;
        }

        _historyMinDeg[i] = Math.Min(_historyMinDeg[i], (float)angleDeg);
        _historyMaxDeg[i] = Math.Max(_historyMaxDeg[i], (float)angleDeg);
    }

    /// <summary>
    /// How many out-and-back movements the segment makes in one rep of the exercise. Rising from a chair tips the
    /// shank forward and back, and sitting down does it again; a step-up turns both segments once going up and once
    /// coming down. Everything else is one movement per rep.
    /// </summary>
    public static int MovementsPerRep(string exercise, Placement placement) => (exercise, placement) switch
    {
        (ExerciseIds.SitToStand, Placement.Shank) => 2,
        (ExerciseIds.StepUp, Placement.Shank or Placement.Thigh) => 2,
        _ => 1,
    };

    /// <summary>One rep from its two movements: start of the first to end of the second, measured at the larger.</summary>
    private static RepMeasurement Combine(in RepMeasurement first, in RepMeasurement second)
    {
        var larger = second.RomDeg > first.RomDeg ? second : first;
        return new RepMeasurement(first.StartUs, second.EndUs, larger.PeakUs, larger.RomDeg,
            Math.Max(first.PeakAngularVelocityDps, second.PeakAngularVelocityDps), (first.Smoothness + second.Smoothness) / 2,
            Math.Max(first.SwayDeg, second.SwayDeg));
    }

    /// <summary>Whether a rep's out-and-back timing describes it: not for two-movement reps or a heel raise's rise.</summary>
    private bool JudgesTempo => _movementsPerRep == 1 && !Pipeline.MeasuresRise;

    public static string RepId(string sensorId, in RepMeasurement rep) => $"{sensorId}-{rep.StartUs}-{rep.EndUs}";
}
