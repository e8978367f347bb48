using System.ComponentModel.DataAnnotations;

namespace Movement.Classifier.Recognition;

/// <summary>Bound from <c>Movement:Classifier:Recognition</c>.</summary>
public sealed class RecognitionOptions : IValidatableObject
{
    public const string SectionName = "Movement:Classifier:Recognition";

    /// <summary>Default model, copied next to the classifier's assembly by its csproj.</summary>
    public const string DefaultModelPath = "models/exercise-recognition.zip";

    /// <summary>Off: the exercise comes from the station plan only.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The ML.NET model zip; relative paths are resolved against the application's base directory.</summary>
    [Required]
    public string ModelPath { get; set; } = DefaultModelPath;

    /// <summary>How much more likely the planned exercise is a priori than any other.</summary>
    [Range(1.0, 1000.0)]
    public double PlanPriorWeight { get; set; } = 5;

    /// <summary>Posterior a different exercise needs, window after window, to take over.</summary>
    [Range(0.5, 0.999)]
    public double MinConfidence { get; set; } = 0.9;

    /// <summary>
    /// A window whose most probable class (model alone, before the plan prior) is below this is <c>unknown</c>
    /// (chosen on held-out simulated people by the training command: see its evaluation file, "Unknown windows").
    /// </summary>
    [Range(0.0, 0.99)]
    public double UnknownBelow { get; set; } = 0.75;

    /// <summary>Consecutive confident windows (2 s apart) before an exercise change is published.</summary>
    [Range(1, 30)]
    public int StableWindows { get; set; } = 4;

    public string ResolvedModelPath => Path.IsPathRooted(ModelPath) ? ModelPath : Path.Combine(AppContext.BaseDirectory, ModelPath);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enabled && !File.Exists(ResolvedModelPath))
        {
            yield return new ValidationResult(
                $"Exercise recognition model '{ResolvedModelPath}' does not exist (set {SectionName}:ModelPath, or Enabled=false to use the station plan only).",
                [nameof(ModelPath)]);
            yield break;
        }

        if (Enabled && SchemaMismatch() is { } mismatch)
        {
            yield return new ValidationResult(mismatch, [nameof(ModelPath)]);
        }
    }

    private string? SchemaMismatch()
    {
        try
        {
            WindowFeatures.Schema.EnsureMatches(ResolvedModelPath);
            return null;
        }
        catch (InvalidDataException ex)
        {
            return ex.Message;
        }
    }
}
