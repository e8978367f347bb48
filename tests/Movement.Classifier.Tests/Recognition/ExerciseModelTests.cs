using Movement.Classifier.Recognition;
using Movement.Motion.Recordings;
using Movement.Motion.Sensors;
using Movement.Motion.Sessions;
using Movement.Protocol;

namespace Movement.Classifier.Tests.Recognition;

/// <summary>
/// The committed model (models/trained/exercise-recognition.zip, copied next to the classifier) on simulated
/// participants the training never saw: their seeds (900 000 +) lie outside both the training (100 000 +) and
/// the evaluation (150 000 +) ranges of the training command.
/// </summary>
public sealed class ExerciseModelTests
{
    private const int HeldOutSeed = 900_000;

    [Fact]
    public void Load_DefaultPath_HasEveryCatalogueExerciseAndRest()
    {
        var classes = CommittedModel.Value.Classes;

        foreach (var exercise in SessionPlan.CircuitExercises.Append(ExerciseIds.Walking).Append(ExerciseIds.Rest))
        {
            Assert.Contains(exercise, classes);
        }
    }

    [Fact]
    public void Predict_ClearWindowsOfHeldOutSubjects_MostlyTheRightExercise()
    {
        using var predictor = CommittedModel.Value.CreatePredictor();
        int correct = 0, total = 0;
        var errors = new Dictionary<string, int>();
        for (var e = 0; e < SessionPlan.CircuitExercises.Count; e++)
        {
            var exercise = SessionPlan.CircuitExercises[e];
            foreach (var (seed, placement) in new[] { (HeldOutSeed + e, Placement.Shank), (HeldOutSeed + e, Placement.Thigh), (HeldOutSeed + 50 + e, Placement.Shank), (HeldOutSeed + 50 + e, Placement.Thigh) })
            {
                var session = SimulatedSession.Create(SessionPlan.SingleSet(exercise, 8), ParticipantProfile.Random(seed), seed);
                var recording = session.Record(SensorSpec.Random(new Random(seed), placement, 50));
                var set = recording.Truth.Segments.Single(s => s.Exercise == exercise);
                var features = new WindowFeatures(placement);
                foreach (var sample in recording.Samples)
                {
                    if (!features.Add(sample))
                    {
                        continue;
                    }

                    var endS = features.WindowEndUs / 1e6;
                    if (endS - (WindowFeatures.WindowSamples / WindowFeatures.RateHz) < set.StartS || endS > set.EndS)
                    {
                        continue; // only windows wholly inside the set are "clear"
                    }

                    var scores = predictor.Predict(features.Values);
                    var best = 0;
                    for (var i = 1; i < scores.Length; i++)
                    {
                        best = scores[i] > scores[best] ? i : best;
                    }

                    total++;
                    if (predictor.Classes[best] == exercise)
                    {
                        correct++;
                    }
                    else
                    {
                        errors[$"{exercise}->{predictor.Classes[best]}"] = errors.GetValueOrDefault($"{exercise}->{predictor.Classes[best]}") + 1;
                    }
                }
            }
        }

        // The training command's held-out window accuracy is ~88 % over all windows (including transitions
        // and rests); clear in-set windows do at least as well. 75 % leaves room for a few unlucky people.
        Assert.True(total > 100, $"only {total} windows");
        var accuracy = (double)correct / total;
        Assert.True(accuracy >= 0.75, $"accuracy {accuracy:P1} over {total} windows; errors: {string.Join(", ", errors.Select(kv => $"{kv.Key} {kv.Value}"))}");
    }

    [Fact]
    public void Update_SteadyPlannedStream_NoExerciseChangeFlapping()
    {
        var options = new RecognitionOptions();
        foreach (var exercise in new[] { ExerciseIds.KneeExtension, ExerciseIds.Squat, ExerciseIds.HeelSlide })
        {
            var seed = HeldOutSeed + 100 + exercise.Length;
            var session = SimulatedSession.Create(SessionPlan.SingleSet(exercise, 12), ParticipantProfile.Random(seed), seed);
            var recording = session.Record(SensorSpec.Random(new Random(seed), Placement.Shank, 50));
            using var recognizer = new ExerciseRecognizer(CommittedModel.Value, Placement.Shank, options);
            var changes = new List<string>();
            var current = ExerciseIds.Unknown;
            foreach (var batch in recording.Samples.Chunk(25))
            {
                var decided = recognizer.Update(exercise, batch);
                if (decided != current)
                {
                    changes.Add(decided);
                    current = decided;
                }
            }

            Assert.Equal([exercise], changes); // the plan's exercise once, at the start, and nothing after
        }
    }

    [Fact]
    public void Update_PlanSaysOneExerciseButPersonClearlyDoesAnother_ModelOverridesOnce()
    {
        // The station plan says knee extension; the person lies down and does straight-leg raises (posture alone
        // tells them apart on the shank, which swings from level to raised). On the shank the recogniser overrides
        // the plan, once and for good. On the thigh the model is not always sure enough to override (docs/accuracy.md):
        // that part asserts only that nothing flaps.
        var results = new List<string>();
        foreach (var (seed, placement) in new[] { (HeldOutSeed + 500, Placement.Shank), (HeldOutSeed + 500, Placement.Thigh), (HeldOutSeed + 501, Placement.Shank), (HeldOutSeed + 501, Placement.Thigh) })
        {
            var session = SimulatedSession.Create(SessionPlan.SingleSet(ExerciseIds.StraightLegRaise, 12), ParticipantProfile.Random(seed), seed);
            var recording = session.Record(SensorSpec.Random(new Random(seed), placement, 50));
            using var recognizer = new ExerciseRecognizer(CommittedModel.Value, placement, new RecognitionOptions());
            var changes = new List<string>();
            var current = ExerciseIds.Unknown;
            foreach (var batch in recording.Samples.Chunk(25))
            {
                var decided = recognizer.Update(ExerciseIds.KneeExtension, batch);
                if (decided != current)
                {
                    changes.Add(decided);
                    current = decided;
                }
            }

            Assert.Equal(ExerciseIds.KneeExtension, changes[0]);
            Assert.True(changes.Count <= 2, $"flapped: {string.Join(" -> ", changes)}");
            results.Add($"{placement}:{current}");
            if (current == ExerciseIds.StraightLegRaise)
            {
                Assert.InRange(recognizer.Confidence, 0.9, 1);
            }
        }

        Assert.Equal([$"Shank:{ExerciseIds.StraightLegRaise}", $"Shank:{ExerciseIds.StraightLegRaise}"], results.Where(r => r.StartsWith("Shank", StringComparison.Ordinal)));
    }
}
