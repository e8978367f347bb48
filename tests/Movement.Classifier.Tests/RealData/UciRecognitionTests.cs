using Movement.Tests;
using Movement.Classifier.Recognition;
using Movement.Classifier.Tests.Recognition;
using Movement.Tools.Replay;
using Movement.Motion.Recordings;
using Movement.Protocol;

namespace Movement.Classifier.Tests.RealData;

/// <summary>
/// Exercise recognition in the replay path on the real UCI recordings (subject 1, right leg; Yurtman &amp; Barshan
/// 2014, CC BY 4.0). Only what these streams meet is asserted; the others are listed in docs/accuracy.md.
/// </summary>
public sealed class UciRecognitionTests
{

    // e3/u2 is here too: the recogniser calls its reps straight-leg raises, which is a note, not a change.
    public static TheoryData<string, string, string> PlannedSessions => new()
    {
        { "e1", "u2", ExerciseIds.KneeExtension }, { "e1", "u3", ExerciseIds.KneeExtension },
        { "e3", "u2", ExerciseIds.HeelSlide }, { "e3", "u3", ExerciseIds.HeelSlide },
        { "e4", "u2", ExerciseIds.StraightLegRaise }, { "e4", "u3", ExerciseIds.StraightLegRaise },
        { "e5", "u2", ExerciseIds.StraightLegRaise }, { "e5", "u3", ExerciseIds.StraightLegRaise },
    };

    [Theory]
    [MemberData(nameof(PlannedSessions))]
    public void Run_PlanNamesTheSessionsExercise_NeverOverriddenAndEveryRepCarriesIt(string exercise, string unit, string planned)
    {
        var summary = Replay(exercise, unit, planned);

        Assert.Equal([(ExerciseIds.Unknown, planned)], summary.ExerciseChanges.Select(c => (c.From, c.To)));
        Assert.True(summary.Reps.Count >= 20, $"{summary.Reps.Count} reps");
        Assert.All(summary.Reps, r => Assert.Equal(planned, r.Exercise));
    }

    [Fact]
    public void Run_SeatedKneeExtensionOnTheShankWithNoPlan_EveryRepCountedAndNamedKneeExtensionOnce()
    {
        var summary = Replay("e1", "u2", null);

        Assert.Equal([(ExerciseIds.Unknown, ExerciseIds.KneeExtension)], summary.ExerciseChanges.Select(c => (c.From, c.To)));
        Assert.InRange(summary.Reps.Count, 29, 31); // counting did not wait for the recogniser
        Assert.True(summary.Reps.Count(r => r.Exercise == ExerciseIds.KneeExtension) >= 15, "most reps are labelled knee_extension");
        Assert.Single(summary.Sets); // the reps counted as unknown before it was named are in the same set
    }

    [Theory]
    [InlineData(ExerciseIds.Squat)]
    [InlineData(ExerciseIds.HamstringCurl)]
    public void Run_SeatedKneeExtensionOnTheShankWithAWrongPlan_PlanCountsAndTheRepsSayTheyLookLikeKneeExtensions(string planned)
    {
        var summary = Replay("e1", "u2", planned);

        Assert.Equal([(ExerciseIds.Unknown, planned)], summary.ExerciseChanges.Select(c => (c.From, c.To)));
        Assert.InRange(summary.Reps.Count, 29, 31);
        Assert.All(summary.Reps, r => Assert.Equal(planned, r.Exercise));
        var noted = summary.Reps.Where(r => r.LooksLike == ExerciseIds.KneeExtension).ToList();
        Assert.True(noted.Count >= 15, $"{noted.Count} reps noted as looking like knee extensions");
        Assert.All(noted, r => Assert.True(r.Confidence < RepEvent.UncertainBelow, $"confidence {r.Confidence}"));
    }

    // The thigh turns 8–30° in these sessions and the model is unsure of most windows: with no plan it must not
    // guess a wrong exercise (unknown is allowed). Not here: e3/u3 (heel_slide by the data set, see docs/accuracy.md).
    [Theory]
    [InlineData("e1", "u3", ExerciseIds.KneeExtension)]
    [InlineData("e4", "u3", ExerciseIds.StraightLegRaise)]
    [InlineData("e5", "u3", ExerciseIds.StraightLegRaise)]
    public void Run_ThighWithNoPlan_NeverAdoptsAWrongExercise(string exercise, string unit, string expected)
    {
        var summary = Replay(exercise, unit, null);

        Assert.InRange(summary.ExerciseChanges.Count, 0, 1);
        Assert.All(summary.Reps, r => Assert.Contains(r.Exercise, new[] { ExerciseIds.Unknown, expected }));
    }

    private static ReplaySummary Replay(string exercise, string unit, string? planned)
    {
        var samples = UciPhysicalTherapyFile.Read(Path.Combine(TestRecordings.Root, "uci-physical-therapy", "s1", exercise, unit, "test.txt")).EnsureValid().Samples;
        var placement = unit == "u2" ? Placement.Shank : Placement.Thigh;
        using var recognizer = new ExerciseRecognizer(CommittedModel.Value, placement, new RecognitionOptions(), Side.Right);
        return RecordingReplay.Run(samples, unit, placement, Side.Right, planned, null, null, recognizer);
    }
}
