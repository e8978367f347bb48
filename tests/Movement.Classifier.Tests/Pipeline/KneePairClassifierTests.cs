using Movement.Classifier.Pipeline;
using Movement.Tools.Replay;
using Movement.Protocol;
using static Movement.Classifier.Tests.Pipeline.KneeAngleEstimatorTests;

namespace Movement.Classifier.Tests.Pipeline;

/// <summary>
/// The pair classifier fed directly (not through the replay): a simulated thigh + shank set per test. Participants are
/// held out from everything tuned: seeds 930 000 + (see <see cref="KneeAngleEstimatorTests"/> for the ranges in use).
/// </summary>
public sealed class KneePairClassifierTests
{
    private const int Seed = 930_000;

    /// <summary>Feeds both streams in time order and drains the reps after each sample, as the live service does per batch.</summary>
    private static List<ClassifiedRep> Feed(KneePairClassifier classifier, KneeSet set, RangeTarget? target = null)
    {
        var reps = new List<ClassifiedRep>();
        foreach (var (segment, sample) in KneePairReplay.InTimeOrder(set.Thigh, set.Shank))
        {
            classifier.Add(segment, sample);
            while (classifier.TryNextRep(target, out var rep))
            {
                reps.Add(rep);
            }
        }

        return reps;
    }

    [Fact]
    public void TryNextRep_KneeExtensionSet_EachTrueRepOnceAsAKneeRangeWithPairIds()
    {
        var set = KneeSet.Create(ExerciseIds.KneeExtension, Seed);
        var classifier = new KneePairClassifier("thigh-1", "shank-1", set.Session.Participant.Side);
        classifier.SetExercise(ExerciseIds.KneeExtension);

        var reps = Feed(classifier, set);

        Assert.Equal(set.Session.Truth.Reps.Count, reps.Count);
        Assert.Equal(reps.Count, classifier.Reps);
        Assert.Equal(Enumerable.Range(1, reps.Count), reps.Select(r => r.RepNumber));
        Assert.All(reps, r =>
        {
            Assert.Equal(ExerciseIds.KneeExtension, r.Exercise);
            Assert.Equal(RomKind.Knee, r.RomKind);
            Assert.Equal($"shank-1-knee-{r.Measurement.StartUs}-{r.Measurement.EndUs}", r.Id);
        });
    }

    [Fact]
    public void SetExercise_AnotherExerciseAfterReps_CountsFromZeroAgain()
    {
        var set = KneeSet.Create(ExerciseIds.Squat, Seed + 1);
        var classifier = new KneePairClassifier("thigh-1", "shank-1", set.Session.Participant.Side);
        classifier.SetExercise(ExerciseIds.Squat);
        Assert.NotEmpty(Feed(classifier, set));

        classifier.SetExercise(ExerciseIds.KneeExtension);

        Assert.Equal(0, classifier.Reps);
        Assert.Equal(ExerciseIds.KneeExtension, classifier.Exercise);
    }

    [Fact]
    public void SetExercise_NamingWhatWasCountedAsUnknown_KeepsTheCount()
    {
        var set = KneeSet.Create(ExerciseIds.Squat, Seed + 2);
        var classifier = new KneePairClassifier("thigh-1", "shank-1", set.Session.Participant.Side);
        var counted = Feed(classifier, set).Count;
        Assert.True(counted > 0);

        classifier.SetExercise(ExerciseIds.Squat);

        Assert.Equal(counted, classifier.Reps);
    }

    [Fact]
    public void TryNextRep_OnlyTheShankStreams_NoKneeAndNoRep()
    {
        var set = KneeSet.Create(ExerciseIds.KneeExtension, Seed + 3);
        var classifier = new KneePairClassifier("thigh-1", "shank-1", set.Session.Participant.Side);
        classifier.SetExercise(ExerciseIds.KneeExtension);

        foreach (var sample in set.Shank)
        {
            classifier.Add(Placement.Shank, sample);
            Assert.False(classifier.TryNextRep(null, out _));
        }

        Assert.Equal(0, classifier.Reps);
    }
}
