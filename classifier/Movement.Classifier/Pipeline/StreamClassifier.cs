using Movement.Protocol;

namespace Movement.Classifier.Pipeline;

/// <summary>A repetition with what the classifier concluded about it.</summary>
/// <param name="Id">Stable across replays: sensor id and the rep's start and end sample times.</param>
public sealed record ClassifiedRep(string Id, int RepNumber, string Exercise, RepMeasurement Measurement, IReadOnlyList<FormFlag> Flags);

/// <summary>
/// Everything the classifier does for one sensor stream: the <see cref="SensorPipeline"/> (segmentation and
/// measurements) and the <see cref="FormAssessor"/> (flags). The live service and the replay command both
/// classify through this type, so a recording replays exactly as it would have been classified live.
/// </summary>
public sealed class StreamClassifier(string sensorId, Placement placement = Placement.Other, Side? side = null)
{
    /// <summary>A first half left waiting longer than this is not part of a rep (the set ended, or a half was missed).</summary>
    public static readonly TimeSpan MaxWaitForSecondMovement = TimeSpan.FromSeconds(6);

    private readonly FormAssessor _form = new();
    private string _exercise = ExerciseIds.Unknown;
    private int _movementsPerRep = 1;
    private RepMeasurement? _firstMovement;

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

        _exercise = exercise;
        _form.Reset();
        // A heel raise turns the ankle, which no knee sensor is on: what the sensor feels is the leg rising.
        Pipeline.StartNewExercise(measureRise: exercise == ExerciseIds.HeelRaise);
        _movementsPerRep = MovementsPerRep(exercise, Pipeline.Placement);
        _firstMovement = null;
        Reps = 0;
    }

    /// <summary>Feeds one sample; returns the rep this sample completed, if any.</summary>
    public ClassifiedRep? Add(in ImuSample sample, double? targetRomDeg = null)
    {
        var flips = Pipeline.DirectionFlips;
        var completed = Pipeline.Add(sample, out var rep);
        if (Pipeline.DirectionFlips != flips)
        {
            _form.Reset(); // the baseline so far was measured the wrong way round
        }

        if (!completed)
        {
            return null;
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

        Reps++;
        var flags = _form.Assess(rep, targetRomDeg, judgeTempo: _movementsPerRep == 1 && !Pipeline.MeasuresRise);
        return new ClassifiedRep(RepId(SensorId, rep), Reps, _exercise, rep, flags);
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

    public static string RepId(string sensorId, in RepMeasurement rep) => $"{sensorId}-{rep.StartUs}-{rep.EndUs}";
}
