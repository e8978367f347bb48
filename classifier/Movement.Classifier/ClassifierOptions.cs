using System.ComponentModel.DataAnnotations;

namespace Movement.Classifier;

/// <summary>Bound from <c>Movement:Classifier</c>.</summary>
public sealed class ClassifierOptions
{
    public const string SectionName = "Movement:Classifier";

    /// <summary>Site to serve, or "+" for every site on the broker.</summary>
    [Required]
    public string Site { get; set; } = "+";

    /// <summary>A pause between reps longer than this ends the set (and publishes its summary).</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan SetBreak { get; set; } = TimeSpan.FromSeconds(45);
}
