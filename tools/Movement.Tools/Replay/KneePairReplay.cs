using Movement.Classifier;
using Movement.Classifier.Pipeline;
using Movement.Protocol;

namespace Movement.Tools.Replay;

/// <summary>
/// Replays a thigh and a shank recording of the same leg through a <see cref="KneePairClassifier"/> (the live
/// service's pair path) and writes the same JSON lines as <see cref="RecordingReplay"/>, measured on the knee angle.
/// The two recordings must share a clock (their timestamps are paired, not their sample indices).
/// </summary>
public static class KneePairReplay
{
    /// <summary>Feeds both streams merged in time order, as live batches would interleave, and collects the reps.</summary>
    public static ReplaySummary Run(IEnumerable<ImuSample> thigh, IEnumerable<ImuSample> shank, string thighId, string shankId, Side? side, string? exercise, RangeTarget? target, TextWriter? output, Action<KneePairClassifier>? afterSample = null)
    {
        var classifier = new KneePairClassifier(thighId, shankId, side);
        classifier.SetExercise(exercise ?? ExerciseIds.Unknown);
        var reps = new List<ClassifiedRep>();
        foreach (var (segment, sample) in InTimeOrder(thigh, shank))
        {
            classifier.Add(segment, sample);

            while (classifier.TryNextRep(target, out var rep))
            {
                reps.Add(rep);
                output?.WriteLine(RecordingReplay.RepLine(rep));
            }

            afterSample?.Invoke(classifier);
        }

        var summary = new ReplaySummary(reps);
        output?.WriteLine(RecordingReplay.SummaryLine(summary, classifier.Exercise));
        return summary;
    }

    /// <summary>Both recordings' samples merged by timestamp (the thigh's first on a tie), tagged with their segment.</summary>
    public static IEnumerable<(Placement Segment, ImuSample Sample)> InTimeOrder(IEnumerable<ImuSample> thigh, IEnumerable<ImuSample> shank) =>
        RecordingReplay.InTimeOrder([new SensorRecording("thigh", Placement.Thigh, null, thigh), new SensorRecording("shank", Placement.Shank, null, shank)])
            .Select(x => (x.Recording == 0 ? Placement.Thigh : Placement.Shank, x.Sample));
}
