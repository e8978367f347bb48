using System.Text.Json;
using Movement.Classifier.Recognition;
using Movement.Classifier.Tests.Recognition;
using Movement.Classifier.Replay;
using Movement.Motion.Sensors;
using Movement.Motion.Sessions;
using Movement.Protocol;

namespace Movement.Classifier.Tests.Replay;

/// <summary>
/// The replay command's path with the recogniser (as the live service runs it): the plan is a prior, each rep
/// carries the exercise decided when it was found, and the summary lists the exercise changes. Simulated people
/// outside the training command's seed ranges (900 000 +).
/// </summary>
public sealed class RecordingReplayTests
{
    private const int HeldOutSeed = 900_700;

    [Fact]
    public void Run_PlanSaysKneeExtensionButShankDoesStraightLegRaises_LaterRepsAreStraightLegRaises()
    {
        var (samples, side) = Simulate(ExerciseIds.StraightLegRaise, HeldOutSeed, Placement.Shank);
        using var recognizer = new ExerciseRecognizer(CommittedModel.Value, Placement.Shank, new RecognitionOptions(), side);

        var summary = RecordingReplay.Run(samples, "s", Placement.Shank, side, ExerciseIds.KneeExtension, null, null, recognizer);

        Assert.Equal(
            [(ExerciseIds.Unknown, ExerciseIds.KneeExtension), (ExerciseIds.KneeExtension, ExerciseIds.StraightLegRaise)],
            summary.ExerciseChanges.Select(c => (c.From, c.To)));
        var changeUs = summary.ExerciseChanges[1].TimeUs;
        Assert.InRange(summary.ExerciseChanges[1].Confidence, 0.9, 1);
        Assert.True(summary.Reps.Count(r => r.Measurement.EndUs > changeUs) >= 6, "most reps come after the change");
        Assert.All(summary.Reps, r => Assert.Equal(r.Measurement.EndUs > changeUs ? ExerciseIds.StraightLegRaise : ExerciseIds.KneeExtension, r.Exercise));
    }

    [Theory]
    [InlineData("squat", Placement.Thigh)]
    [InlineData("heel_slide", Placement.Shank)]
    [InlineData("hamstring_curl", Placement.Shank)]
    public void Run_PlanMatchesWhatThePersonDoes_OneChangeAndEveryRepHasThePlannedExercise(string exercise, Placement placement)
    {
        var (samples, side) = Simulate(exercise, HeldOutSeed + exercise.Length, placement);
        using var recognizer = new ExerciseRecognizer(CommittedModel.Value, placement, new RecognitionOptions(), side);

        var summary = RecordingReplay.Run(samples, "s", placement, side, exercise, null, null, recognizer);

        Assert.Equal([(ExerciseIds.Unknown, exercise)], summary.ExerciseChanges.Select(c => (c.From, c.To)));
        Assert.NotEmpty(summary.Reps);
        Assert.All(summary.Reps, r => Assert.Equal(exercise, r.Exercise));
    }

    [Fact]
    public void Run_WithRecognizer_PrintsRepLinesAndASummaryWithTheExerciseChanges()
    {
        var (samples, side) = Simulate(ExerciseIds.StraightLegRaise, HeldOutSeed, Placement.Shank);
        using var recognizer = new ExerciseRecognizer(CommittedModel.Value, Placement.Shank, new RecognitionOptions(), side);
        using var output = new StringWriter();

        var summary = RecordingReplay.Run(samples, "s", Placement.Shank, side, ExerciseIds.KneeExtension, 90, output, recognizer);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(summary.Reps.Count + 1, lines.Length);
        foreach (var (line, rep) in lines[..^1].Zip(summary.Reps))
        {
            using var json = JsonDocument.Parse(line);
            Assert.Equal(rep.Exercise, json.RootElement.GetProperty("exercise").GetString());
            foreach (var field in new[] { "start_s", "end_s", "rom_deg", "duration_s", "flags" })
            {
                Assert.True(json.RootElement.TryGetProperty(field, out _), field);
            }
        }

        using var last = JsonDocument.Parse(lines[^1]);
        var root = last.RootElement;
        Assert.True(root.GetProperty("summary").GetBoolean());
        Assert.Equal(ExerciseIds.StraightLegRaise, root.GetProperty("exercise").GetString());
        Assert.Equal(ExerciseIds.KneeExtension, root.GetProperty("plan").GetString());
        var changes = root.GetProperty("exercise_changes");
        Assert.Equal(2, changes.GetArrayLength());
        Assert.Equal(ExerciseIds.StraightLegRaise, changes[1].GetProperty("to").GetString());
        Assert.Equal(Math.Round(summary.ExerciseChanges[1].TimeUs / 1e6, 3), changes[1].GetProperty("at_s").GetDouble());
    }

    [Fact]
    public void Run_RecognisedExerciseIsNotThePlanned_TargetRangeIsNotApplied()
    {
        // A 90° knee-extension target would flag every straight-leg raise (≈ 45°) partial; once the recogniser
        // says they are straight-leg raises, the target no longer applies (as in ClassifierService).
        var (samples, side) = Simulate(ExerciseIds.StraightLegRaise, HeldOutSeed, Placement.Shank);
        using var recognizer = new ExerciseRecognizer(CommittedModel.Value, Placement.Shank, new RecognitionOptions(), side);

        var summary = RecordingReplay.Run(samples, "s", Placement.Shank, side, ExerciseIds.KneeExtension, 90, null, recognizer);

        var after = summary.Reps.Where(r => r.Exercise == ExerciseIds.StraightLegRaise).ToList();
        Assert.NotEmpty(after);
        Assert.All(after, r => Assert.DoesNotContain(r.Flags, f => f.Flag == FormFlagIds.PartialRange && f.Message.Contains("90", StringComparison.Ordinal)));
    }

    private static (IReadOnlyList<ImuSample> Samples, Side Side) Simulate(string exercise, int seed, Placement placement)
    {
        var person = ParticipantProfile.Random(seed);
        var session = SimulatedSession.Create(SessionPlan.SingleSet(exercise, 10), person, seed);
        return (session.Record(SensorSpec.Random(new Random(seed), placement, 50)).Samples, person.Side);
    }
}
