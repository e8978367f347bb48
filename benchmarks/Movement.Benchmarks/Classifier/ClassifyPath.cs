using Movement.Classifier;
using Movement.Classifier.Recognition;
using Movement.Motion.Sensors;
using Movement.Motion.Sessions;
using Movement.Protocol;

namespace Movement.Benchmarks.Classifier;

/// <summary>
/// The only file that names the classifier's per-stream API: today the <see cref="ParticipantClassifier"/> the live
/// service runs for each participant, fed a batch at a time as the service feeds it: one wearing one shank sensor at a
/// knee-extension station (<see cref="Create"/>), or a thigh + shank pair at a squat station, whose reps come from the
/// knee angle (<see cref="CreatePair"/>). Recognition is off (the recogniser then follows the plan): its per-window
/// cost is <c>PredictionBenchmarks</c>'. When the pipeline changes, re-point <see cref="Create"/> and <see cref="Add"/>.
/// </summary>
public sealed class ClassifyPath
{
    private const string Shank = "thingy-0042";
    private const string Thigh = "thingy-0042-thigh";
    private static readonly RecognitionOptions NoModel = new() { Enabled = false };
    private readonly ParticipantClassifier _participant;
    private readonly StationPlan _plan;
    private readonly List<ParticipantOutput> _outputs = [];

    private ClassifyPath(bool pair)
    {
        _plan = pair ? new StationPlan("A", ExerciseIds.Squat, 10) : new StationPlan("A", ExerciseIds.KneeExtension, 10);
        _participant = new ParticipantClassifier("p-0042", e => new ExerciseRecognizer(null, e.Placement, NoModel, e.Side), TimeSpan.FromSeconds(45));
        _participant.Wear(pair
            ? [new RosterEntry("p-0042", Shank, Placement.Shank, Side.Right, "A"), new RosterEntry("p-0042", Thigh, Placement.Thigh, Side.Right, "A")]
            : [new RosterEntry("p-0042", Shank, Placement.Shank, Side.Right, "A")]);
    }

    /// <summary>A participant wearing one shank sensor at a knee-extension station.</summary>
    public static ClassifyPath Create() => new(pair: false);

    /// <summary>A participant wearing a thigh + shank pair on the right leg at a squat station (reps from the knee angle).</summary>
    public static ClassifyPath CreatePair() => new(pair: true);

    /// <summary>A simulated squat set of a right-legged person recorded at 100 Hz by a thigh and a shank sensor (a pair's input).</summary>
    public static (ImuSample[] Thigh, ImuSample[] Shank) PairMotion(int seed, long startUs, int reps)
    {
        var person = ParticipantProfile.Random(seed) with { Side = Side.Right };
        var session = SimulatedSession.Create(SessionPlan.SingleSet(ExerciseIds.Squat, reps), person, seed);
        ImuSample[] Record(Placement placement, int offset) =>
            [.. session.Record(SensorSpec.Random(new Random(seed + offset), placement, 100) with { HasGyro = true }, startUs).Samples];
        return (Record(Placement.Thigh, 1), Record(Placement.Shank, 2));
    }

    /// <summary>Feeds one batch of one of this participant's streams (the shank's unless <paramref name="thigh"/>); returns the reps it completed.</summary>
    public int Add(ReadOnlySpan<ImuSample> batch, bool thigh = false)
    {
        _outputs.Clear();
        _participant.Add(thigh ? Thigh : Shank, batch, _plan, counting: true, _outputs);
        var reps = 0;
        foreach (var output in _outputs)
        {
            reps += output is RepCounted ? 1 : 0;
        }

        return reps;
    }
}
