using Movement.Classifier.Pipeline;
using Movement.Protocol;

namespace Movement.Benchmarks.Classifier;

/// <summary>
/// The only file that names the classifier's per-sample API (today <see cref="StreamClassifier"/>, which the
/// live service and replay both use). When the pipeline changes, re-point <see cref="Create"/> and
/// <see cref="Add"/> at its per-stream entry point; the suites stay as they are.
/// </summary>
public sealed class ClassifyPath
{
    private readonly StreamClassifier _classifier;

    private ClassifyPath()
    {
        _classifier = new StreamClassifier("thingy-0042", Placement.Shank, Side.Right);
        _classifier.SetExercise(ExerciseIds.KneeExtension);
    }

    public static ClassifyPath Create() => new();

    /// <summary>Feeds one sample of this stream; true when it completes a repetition.</summary>
    public bool Add(in ImuSample sample) => _classifier.Add(sample) is not null;
}
