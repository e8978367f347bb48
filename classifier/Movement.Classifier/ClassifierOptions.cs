using System.ComponentModel.DataAnnotations;

namespace Movement.Classifier;

/// <summary>Bound from <c>Movement:Classifier</c>.</summary>
public sealed class ClassifierOptions
{
    public const string SectionName = "Movement:Classifier";

    /// <summary>Site to serve, or "+" for every site on the broker.</summary>
    [Required]
    public string Site { get; set; } = "+";

    /// <summary>Angle from the resting orientation at which a repetition starts.</summary>
    [Range(2, 90)]
    public double RepStartAngleDeg { get; set; } = 15;

    /// <summary>Angle under which a started repetition ends (hysteresis against jitter).</summary>
    [Range(1, 90)]
    public double RepEndAngleDeg { get; set; } = 8;
}
