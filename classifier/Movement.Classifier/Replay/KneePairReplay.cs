using Movement.Classifier.Pipeline;
using Movement.Protocol;

namespace Movement.Classifier.Replay;

/// <summary>
/// Replays a thigh and a shank recording of the same leg through a <see cref="KneePairClassifier"/> (the live
/// service's pair path) and writes the same JSON lines as <see cref="RecordingReplay"/>, measured on the knee angle.
/// The two recordings must share a clock (their timestamps are paired, not their sample indices).
/// </summary>
public static class KneePairReplay
{
    /// <summary>Feeds both streams merged in time order, as live batches would interleave, and collects the reps.</summary>
    public static ReplaySummary Run(IReadOnlyList<ImuSample> thigh, IReadOnlyList<ImuSample> shank, string thighId, string shankId, Side? side, string? exercise, double? targetRomDeg, TextWriter? output, Action<KneePairClassifier>? afterSample = null)
    {
        var classifier = new KneePairClassifier(thighId, shankId, side);
        classifier.SetExercise(exercise ?? ExerciseIds.Unknown);
        var reps = new List<ClassifiedRep>();
        int i = 0, j = 0;
        while (i < thigh.Count || j < shank.Count)
        {
            if (j >= shank.Count || (i < thigh.Count && thigh[i].TimestampUs <= shank[j].TimestampUs))
            {
                classifier.AddThigh(thigh[i++]);
            }
            else
            {
                classifier.AddShank(shank[j++]);
            }

            while (classifier.TryNextRep(targetRomDeg, out var rep))
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
}
