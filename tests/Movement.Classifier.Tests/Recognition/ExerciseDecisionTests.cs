using Movement.Classifier.Recognition;
using Movement.Protocol;

namespace Movement.Classifier.Tests.Recognition;

/// <summary>The plan prior and the hysteresis, on hand-made class probabilities.</summary>
public sealed class ExerciseDecisionTests
{
    private static readonly string[] Classes = [ExerciseIds.Rest, ExerciseIds.KneeExtension, ExerciseIds.HamstringCurl, ExerciseIds.Squat];
    private static readonly RecognitionOptions Options = new() { PlanPriorWeight = 5, MinConfidence = 0.8, StableWindows = 3, UnknownBelow = 0.6 };

    private static float[] P(float rest, float knee, float curl, float squat) => [rest, knee, curl, squat];

    [Fact]
    public void ObserveWindow_TieBetweenPlannedAndOther_PlannedWins()
    {
        // 0.5 each: below the usual unknown threshold, so lower it to see the tie-break.
        var decision = new ExerciseDecision(Classes, new RecognitionOptions { PlanPriorWeight = 5, MinConfidence = 0.8, StableWindows = 3, UnknownBelow = 0.4 });
        decision.ObservePlan(ExerciseIds.HamstringCurl);

        for (var i = 0; i < 10; i++)
        {
            Assert.False(decision.ObserveWindow(P(0, 0.5f, 0.5f, 0)));
        }

        Assert.Equal(ExerciseIds.HamstringCurl, decision.Exercise);
        Assert.Equal(ExerciseIds.HamstringCurl, decision.LastWindow.Exercise);
    }

    [Fact]
    public void ObserveWindow_ModelFavoursOtherButPriorOutweighsIt_KeepsPlan()
    {
        var decision = new ExerciseDecision(Classes, Options);
        decision.ObservePlan(ExerciseIds.HamstringCurl);

        // 0.7 vs 0.3 without the plan; with a prior of 5 the curl's posterior is 1.5 / 2.2 = 0.68.
        for (var i = 0; i < 10; i++)
        {
            decision.ObserveWindow(P(0, 0.7f, 0.3f, 0));
        }

        Assert.Equal(ExerciseIds.HamstringCurl, decision.Exercise);
    }

    [Fact]
    public void ObserveWindow_ConfidentDifferentExerciseForStableWindows_Overrides()
    {
        var decision = new ExerciseDecision(Classes, Options);
        decision.ObservePlan(ExerciseIds.HamstringCurl);

        Assert.False(decision.ObserveWindow(P(0, 0.995f, 0.005f, 0)));
        Assert.False(decision.ObserveWindow(P(0, 0.995f, 0.005f, 0)));
        Assert.True(decision.ObserveWindow(P(0, 0.995f, 0.005f, 0)));

        Assert.Equal(ExerciseIds.KneeExtension, decision.Exercise);
        Assert.InRange(decision.Confidence, 0.8, 1);
    }

    [Fact]
    public void ObserveWindow_AlternatingConfidentClasses_NeverChanges()
    {
        var decision = new ExerciseDecision(Classes, Options);
        decision.ObservePlan(ExerciseIds.HamstringCurl);

        for (var i = 0; i < 20; i++)
        {
            Assert.False(decision.ObserveWindow(i % 2 == 0 ? P(0, 0.99f, 0.001f, 0.009f) : P(0, 0.009f, 0.001f, 0.99f)));
        }

        Assert.Equal(ExerciseIds.HamstringCurl, decision.Exercise);
    }

    [Fact]
    public void ObserveWindow_RestBetweenConfidentWindows_NeitherChangesNorBreaksTheStreak()
    {
        var decision = new ExerciseDecision(Classes, Options);
        decision.ObservePlan(ExerciseIds.HamstringCurl);

        Assert.False(decision.ObserveWindow(P(0, 0.99f, 0.01f, 0)));
        Assert.False(decision.ObserveWindow(P(0.99f, 0, 0.01f, 0)));
        Assert.Equal(ExerciseIds.HamstringCurl, decision.Exercise);
        Assert.False(decision.ObserveWindow(P(0, 0.99f, 0.01f, 0)));
        Assert.True(decision.ObserveWindow(P(0, 0.99f, 0.01f, 0)));
        Assert.Equal(ExerciseIds.KneeExtension, decision.Exercise);
    }

    [Fact]
    public void ObservePlan_PlanChanges_FollowsAtOnceWithFullConfidence()
    {
        var decision = new ExerciseDecision(Classes, Options);
        Assert.True(decision.ObservePlan(ExerciseIds.Squat));
        Assert.False(decision.ObservePlan(ExerciseIds.Squat));
        Assert.True(decision.ObservePlan(ExerciseIds.KneeExtension));

        Assert.Equal(ExerciseIds.KneeExtension, decision.Exercise);
        Assert.Equal(1, decision.Confidence);
    }

    [Fact]
    public void ObserveWindow_NoPlan_ConfidentStableExerciseIsAdopted()
    {
        var decision = new ExerciseDecision(Classes, Options);
        decision.ObservePlan(null);
        Assert.Equal(ExerciseIds.Unknown, decision.Exercise);

        decision.ObserveWindow(P(0.02f, 0.01f, 0.02f, 0.95f));
        decision.ObserveWindow(P(0.02f, 0.01f, 0.02f, 0.95f));
        Assert.True(decision.ObserveWindow(P(0.02f, 0.01f, 0.02f, 0.95f)));

        Assert.Equal(ExerciseIds.Squat, decision.Exercise);
    }

    [Fact]
    public void ObserveWindow_ModelUnsure_WindowIsUnknownAndThePlanStays()
    {
        var decision = new ExerciseDecision(Classes, Options);
        decision.ObservePlan(ExerciseIds.HamstringCurl);

        // Top class 0.5 < 0.6 before the prior: unknown, although the prior would make the curl 0.83.
        Assert.False(decision.ObserveWindow(P(0.1f, 0.2f, 0.5f, 0.2f)));

        Assert.Equal(ExerciseIds.Unknown, decision.LastWindow.Exercise);
        Assert.Equal(0.5, decision.LastWindow.Posterior, 3);
        Assert.Equal(ExerciseIds.HamstringCurl, decision.Exercise);
    }

    [Fact]
    public void ObserveWindow_UnsureWindowInsideAConfidentRun_BreaksTheStreak()
    {
        var decision = new ExerciseDecision(Classes, Options);
        decision.ObservePlan(ExerciseIds.HamstringCurl);

        Assert.False(decision.ObserveWindow(P(0, 0.99f, 0.01f, 0)));
        Assert.False(decision.ObserveWindow(P(0, 0.99f, 0.01f, 0)));
        Assert.False(decision.ObserveWindow(P(0.3f, 0.4f, 0, 0.3f))); // unknown: the run starts again
        Assert.False(decision.ObserveWindow(P(0, 0.99f, 0.01f, 0)));
        Assert.False(decision.ObserveWindow(P(0, 0.99f, 0.01f, 0)));
        Assert.Equal(ExerciseIds.HamstringCurl, decision.Exercise);

        Assert.True(decision.ObserveWindow(P(0, 0.99f, 0.01f, 0)));
        Assert.Equal(ExerciseIds.KneeExtension, decision.Exercise);
    }

    [Fact]
    public void ObserveWindow_NoPlanAndOnlyUnsureWindows_StaysUnknown()
    {
        var decision = new ExerciseDecision(Classes, Options);
        decision.ObservePlan(null);

        for (var i = 0; i < 20; i++)
        {
            Assert.False(decision.ObserveWindow(i % 2 == 0 ? P(0.05f, 0.55f, 0.4f, 0) : P(0.05f, 0, 0.4f, 0.55f)));
            Assert.Equal(ExerciseIds.Unknown, decision.LastWindow.Exercise);
        }

        Assert.Equal(ExerciseIds.Unknown, decision.Exercise);
    }
}
