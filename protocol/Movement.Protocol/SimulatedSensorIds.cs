using System.ComponentModel.DataAnnotations;

namespace Movement.Protocol;

/// <summary>
/// The simulated sensors' ids, bound from <c>Movement:Gateway:Simulator</c>: person <c>i</c> wears the shank sensor
/// <c>{SensorIdPrefix}01</c>, <c>…02</c>, … and, if paired, the thigh sensor <c>{SensorIdPrefix}01-thigh</c>. One
/// definition for the simulator that streams them and the demo seed that hands them out.
/// </summary>
public class SimulatedSensorIds : IValidatableObject
{
    public const string SectionName = "Movement:Gateway:Simulator";

    public const string DefaultSensorIdPrefix = "sim-";

    /// <summary>Prepended to the person's two-digit number; with it, every id must be a valid topic id (a-z, 0-9, '-', '_').</summary>
    public string SensorIdPrefix { get; set; } = DefaultSensorIdPrefix;

    /// <summary>The shank sensor of simulated person <paramref name="index"/> (from 0).</summary>
    public string SensorId(int index) => $"{SensorIdPrefix}{index + 1:D2}";

    /// <summary>The thigh sensor of simulated person <paramref name="index"/> (from 0), on the same leg as the shank sensor.</summary>
    public string ThighSensorId(int index) => $"{SensorId(index)}-thigh";

    public virtual IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // The longest id is the thigh sensor of person 2000 (SimulatorOptions.Sensors is at most 2000).
        if (!Topics.IsValidId(ThighSensorId(1999)))
        {
            yield return new ValidationResult(
                $"Simulator SensorIdPrefix '{SensorIdPrefix}' does not make valid sensor ids ('{ThighSensorId(0)}'): use a-z, 0-9, '-', '_', at most 54 characters.",
                [nameof(SensorIdPrefix)]);
        }
    }
}
