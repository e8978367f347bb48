using Movement.Classifier.Recognition;
using Movement.Motion.Sensors;
using Movement.Protocol;

namespace Movement.Classifier.Tests.Recognition;

/// <summary>
/// Input that is no exercise: a sensor lying still, and one tumbling about random axes. The committed model must
/// not make an exercise of either (a still sensor is rest; tumbling is rest or unknown), with or without a plan.
/// </summary>
public sealed class NonsenseInputTests
{
    private const double Gravity = 9.80665;
    private const double RateHz = 50;

    [Theory]
    [InlineData(1, Placement.Shank)]
    [InlineData(2, Placement.Thigh)]
    [InlineData(3, Placement.Other)]
    public void Update_StillSensor_EveryWindowIsRestAndNoExerciseIsAdopted(int seed, Placement placement)
    {
        var random = new Random(seed);
        var up = TumblingSensor.RandomUnit(random);
        var labels = Run(Still(random, up, 120), placement, plan: null, out var exercise);

        Assert.True(labels.Count >= 50, $"only {labels.Count} windows");
        Assert.All(labels, l => Assert.Equal(ExerciseIds.Rest, l));
        Assert.Equal(ExerciseIds.Unknown, exercise);
    }

    [Theory]
    [InlineData(11, Placement.Shank)]
    [InlineData(12, Placement.Thigh)]
    [InlineData(13, Placement.Shank)]
    [InlineData(14, Placement.Thigh)]
    public void Update_TumblingSensorWithoutPlan_NoExerciseIsAdopted(int seed, Placement placement)
    {
        var labels = Run(Tumbling(seed), placement, plan: null, out var exercise);

        Assert.True(labels.Count >= 50, $"only {labels.Count} windows");
        Assert.Equal(ExerciseIds.Unknown, exercise);
    }

    [Theory]
    [InlineData(21, Placement.Shank)]
    [InlineData(22, Placement.Thigh)]
    public void Update_TumblingSensorWithPlan_KeepsThePlan(int seed, Placement placement)
    {
        Run(Tumbling(seed), placement, ExerciseIds.KneeExtension, out var exercise);

        Assert.Equal(ExerciseIds.KneeExtension, exercise);
    }

    /// <summary>Feeds 0.1 s batches (as the gateway sends them); returns each window's label and the final decision.</summary>
    private static List<string> Run(List<ImuSample> samples, Placement placement, string? plan, out string exercise)
    {
        using var recognizer = new ExerciseRecognizer(CommittedModel.Value, placement, new RecognitionOptions(), Side.Right);
        var labels = new List<string>();
        var changes = 0;
        var current = ExerciseIds.Unknown;
        foreach (var batch in samples.Chunk((int)(RateHz / 10)))
        {
            var windows = recognizer.Windows;
            var decided = recognizer.Update(plan, batch);
            if (recognizer.Windows != windows)
            {
                labels.Add(recognizer.Decision.LastWindow.Exercise);
            }

            changes += decided != current ? 1 : 0;
            current = decided;
        }

        Assert.InRange(changes, 0, plan is null ? 0 : 1); // no exercise_change at all beyond following the plan
        exercise = current;
        return labels;
    }

    private static List<ImuSample> Still(Random random, (double X, double Y, double Z) up, double seconds)
    {
        var samples = new List<ImuSample>();
        for (var i = 0; i < seconds * RateHz; i++)
        {
            samples.Add(new ImuSample(
                (long)(i * 1e6 / RateHz),
                (float)((up.X * Gravity) + Noise(random, 0.03)), (float)((up.Y * Gravity) + Noise(random, 0.03)), (float)((up.Z * Gravity) + Noise(random, 0.03)),
                (float)Noise(random, 0.005), (float)Noise(random, 0.005), (float)Noise(random, 0.005)));
        }

        return samples;
    }

    // The training command learns "unknown" from the same generator (its own seeds, 25/50 Hz, up to 3 rad/s):
    // here other seeds, 50 Hz, and faster, 0.1–3 Hz turning.
    private static List<ImuSample> Tumbling(int seed) => TumblingSensor.Record(new Random(seed), 120, RateHz, maxRateRadPerS: 3, minHz: 0.1, maxHz: 3);

    private static double Noise(Random random, double sigma) =>
        sigma * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
