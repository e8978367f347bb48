using System.Globalization;
using System.Text.Json.Serialization;
using Movement.Classifier;
using Movement.Protocol;

namespace Movement.Tools.Training;

internal sealed record TrainingOptions(int Seed, int Subjects, int Holdout, string Out, string? Uci, bool RepCounts)
{
    public static TrainingOptions? Parse(string[] args, out string? error)
    {
        int seed = 1, subjects = 40, holdout = 10;
        string output = "models/trained";
        string? uci = null;
        var repCounts = true;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            if (value is null)
            {
                error = $"option {args[i]} needs a value";
                return null;
            }

            switch (args[i])
            {
                case "--seed" when int.TryParse(value, CultureInfo.InvariantCulture, out seed) && seed is >= 0 and < 20_000:
                case "--subjects" when int.TryParse(value, CultureInfo.InvariantCulture, out subjects) && subjects is >= 2 and <= 1000:
                case "--holdout" when int.TryParse(value, CultureInfo.InvariantCulture, out holdout) && holdout is >= 1 and <= 1000:
                    break;
                case "--out":
                    output = value;
                    break;
                case "--uci":
                    uci = value;
                    break;
                case "--rep-counts" when value is "on" or "off":
                    repCounts = value == "on"; // off: a quicker run for experiments (the table is left empty)
                    break;
                default:
                    error = $"unknown option or invalid value: {args[i]} {value} (seed 0–19999, subjects 2–1000, holdout 1–1000)";
                    return null;
            }

            i++;
        }

        error = null;
        return new TrainingOptions(seed, subjects, holdout, output, uci, repCounts);
    }
}

internal sealed record ClassScore(string Exercise, int Support, double Precision, double Recall);

internal sealed record UnknownThreshold(double Threshold, double Kept, double KeptAccuracy);

internal sealed record NonsenseResult(int Windows, Dictionary<string, int> Votes);

/// <summary>One form flag on one placement over held-out simulated reps (after each set's baseline reps).</summary>
internal sealed record FormFlagResult(string Flag, string Placement, int Reps, int TruePositives, int FalsePositives, int FalseNegatives, double Precision, double Recall, double F1);

internal sealed record RepCountError(string Exercise, string Placement, int Sets, double MeanAbsError, int WithinOne, int MinError, int MaxError);

internal sealed record UciResult(string Session, string Expected, int Windows, int ExpectedWindows, double ExpectedShare, string TopClass, Dictionary<string, int> Votes, string LiveExercise, int LiveChanges);

internal sealed record EvaluationReport(
    int Seed, int Subjects, int Holdout, int FirstTrainingSeed, int FirstHoldoutSeed, int TrainingWindows, int HoldoutWindows,
    double Accuracy, IReadOnlyList<string> Classes, int[][] Confusion, IReadOnlyList<ClassScore> PerClass,
    double UnknownBelow, double UnknownTargetAccuracy, IReadOnlyList<UnknownThreshold> UnknownThresholds, NonsenseResult Nonsense,
    IReadOnlyList<RepCountError> RepCounts, IReadOnlyList<FormFlagResult> FormFlags, IReadOnlyList<UciResult> Uci, double ElapsedS);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(EvaluationReport))]
internal sealed partial class ReportJson : JsonSerializerContext;
