using Movement.Classifier;
using Movement.Classifier.Recognition;
using Movement.Protocol;

namespace Movement.Benchmarks.Classifier;

/// <summary>
/// The only file that names the classifier's per-stream API: today the <see cref="ParticipantClassifier"/> the live
/// service runs for each participant (here one wearing one shank sensor at a knee-extension station), fed a batch at
/// a time as the service feeds it. Recognition is off (the recogniser then follows the plan): its per-window cost is
/// <c>PredictionBenchmarks</c>'. When the pipeline changes, re-point <see cref="Create"/> and <see cref="Add"/>.
/// </summary>
public sealed class ClassifyPath
{
    private const string Sensor = "thingy-0042";
    private static readonly RecognitionOptions NoModel = new() { Enabled = false };
    private static readonly StationPlan Plan = new("A", ExerciseIds.KneeExtension, 10);
    private readonly ParticipantClassifier _participant;
    private readonly List<ParticipantOutput> _outputs = [];

    private ClassifyPath()
    {
        _participant = new ParticipantClassifier("p-0042", e => new ExerciseRecognizer(null, e.Placement, NoModel, e.Side), TimeSpan.FromSeconds(45));
        _participant.Wear([new RosterEntry("p-0042", Sensor, Placement.Shank, Side.Right, "A")]);
    }

    public static ClassifyPath Create() => new();

    /// <summary>Feeds one batch of this stream's samples; returns the reps it completed.</summary>
    public int Add(ReadOnlySpan<ImuSample> batch)
    {
        _outputs.Clear();
        _participant.Add(Sensor, batch, Plan, counting: true, _outputs);
        var reps = 0;
        foreach (var output in _outputs)
        {
            reps += output is RepCounted ? 1 : 0;
        }

        return reps;
    }
}
