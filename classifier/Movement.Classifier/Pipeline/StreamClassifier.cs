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
    private readonly FormAssessor _form = new();
    private string _exercise = ExerciseIds.Unknown;

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
        Pipeline.StartNewExercise();
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

        Reps++;
        var flags = _form.Assess(rep, targetRomDeg);
        return new ClassifiedRep(RepId(SensorId, rep), Reps, _exercise, rep, flags);
    }

    public static string RepId(string sensorId, in RepMeasurement rep) => $"{sensorId}-{rep.StartUs}-{rep.EndUs}";
}
