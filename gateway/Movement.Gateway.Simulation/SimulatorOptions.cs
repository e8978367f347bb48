using System.ComponentModel.DataAnnotations;
using Movement.Gateway.Sensors;
using Movement.Protocol;

namespace Movement.Gateway.Simulation;

/// <summary>Bound from <c>Movement:Gateway:Simulator</c>. Simulated sensors stand in for the radio.</summary>
public sealed class SimulatorOptions : SimulatedSensorIds
{

    public bool Enabled { get; set; }

    /// <summary>Number of simulated people, each wearing a shank sensor (<see cref="SimulatedSensorIds.SensorId"/>: <c>sim-01</c>, <c>sim-02</c>, ...).</summary>
    [Range(0, 2000)]
    public int Sensors { get; set; } = 8;

    /// <summary>
    /// The first N simulated people also wear a thigh sensor, <c>sim-01-thigh</c>, ..., on the same leg as their
    /// shank sensor: the same person and motion, on one clock (a thigh + shank pair for the classifier's knee angle).
    /// </summary>
    [Range(0, 2000)]
    public int ThighSensors { get; set; }

    [Range(25, 200)]
    public int SampleRateHz { get; set; } = 50;

    public int Seed { get; set; } = 1;

    /// <summary>Which vendor's GATT bytes the simulated sensors produce (Thingy52 or PolarPmd).</summary>
    public SensorKind Kind { get; set; } = SensorKind.Thingy52;

    /// <summary>How often each simulated sensor reports its cumulative step counter.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StepReportInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How fast the simulated sensors' batteries drain, percent per hour (each sensor 0.75–1.25 × this): a coin cell
    /// streaming motion data lasts a day or two.
    /// </summary>
    [Range(0, 100)]
    public double BatteryDrainPctPerHour { get; set; } = 4;

    public override IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var result in base.Validate(validationContext))
        {
            yield return result;
        }

        if (Kind is not (SensorKind.Thingy52 or SensorKind.PolarPmd))
        {
            yield return new ValidationResult($"Simulator Kind '{Kind}' is not simulated; use Thingy52 or PolarPmd.", [nameof(Kind)]);
        }

        if (ThighSensors > Sensors)
        {
            yield return new ValidationResult($"Simulator ThighSensors ({ThighSensors}) is more than Sensors ({Sensors}): a thigh sensor is worn by one of the simulated people.", [nameof(ThighSensors)]);
        }
    }
}
