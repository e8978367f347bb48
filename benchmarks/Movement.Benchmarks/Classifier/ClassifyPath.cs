using Movement.Classifier.Pipeline;
using Movement.Protocol;

namespace Movement.Benchmarks.Classifier;

/// <summary>
/// The only file that names the classifier's per-sample API. When the pipeline is rewritten, re-point
/// <see cref="Create"/> and <see cref="Add"/> at its per-stream entry point; the suites stay as they are.
/// </summary>
public sealed class ClassifyPath
{
    private readonly RepCounter _counter = new(startAngleDeg: 15, endAngleDeg: 8);

    public static ClassifyPath Create() => new();

    /// <summary>Feeds one sample of this stream; true when it completes a repetition.</summary>
    public bool Add(in ImuSample sample) => _counter.Add(sample) is not null;
}
