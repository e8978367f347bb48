using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Movement.Protocol;

namespace Movement.Gateway.Sensors;

/// <summary>The sensor families the gateway can drive.</summary>
public enum SensorKind
{
    Thingy52,
    PolarPmd,
    Movesense,
    InfiniTime,
    RscFootPod,
}

/// <summary>
/// One physical sensor the gateway may connect. <see cref="SensorId"/> is pseudonymous and appears in topics;
/// who wears it in a session comes from the retained session topic, not from here.
/// </summary>
public sealed class SensorRegistration
{
    /// <summary>Bluetooth address, <c>AA:BB:CC:DD:EE:FF</c>.</summary>
    [Required]
    public string Address { get; set; } = "";

    [Required]
    public string SensorId { get; set; } = "";

    public SensorKind Kind { get; set; }

    public Placement Placement { get; set; } = Placement.Shank;

    public Side Side { get; set; } = Side.Right;

    /// <summary>Requested IMU rate. Thingy:52 5-200, Polar 25/52/100/200, Movesense 13/26/52/104/208.</summary>
    [Range(1, 1000)]
    public int SampleRateHz { get; set; } = 50;

    /// <summary>Normalised form (upper case) used for lookups.</summary>
    public string NormalizedAddress => Address.Trim().ToUpperInvariant();
}

/// <summary>Bound from <c>Movement:Gateway</c> (its <c>Sensors</c> list).</summary>
public sealed partial class SensorRegistryOptions : IValidatableObject
{
    public List<SensorRegistration> Sensors { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var addresses = new HashSet<string>(StringComparer.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Sensors.Count; i++)
        {
            var sensor = Sensors[i];
            var where = $"Sensors[{i}]";
            if (!AddressPattern().IsMatch(sensor.Address.Trim()))
            {
                yield return new ValidationResult($"{where}.Address '{sensor.Address}' is not a Bluetooth address like AA:BB:CC:DD:EE:FF.", [nameof(Sensors)]);
            }
            else if (!addresses.Add(sensor.NormalizedAddress))
            {
                yield return new ValidationResult($"{where}.Address '{sensor.Address}' is registered twice.", [nameof(Sensors)]);
            }

            if (!Topics.IsValidId(sensor.SensorId))
            {
                yield return new ValidationResult($"{where}.SensorId '{sensor.SensorId}' must be 1-64 of a-z, 0-9, '-', '_' (it appears in topics).", [nameof(Sensors)]);
            }
            else if (!ids.Add(sensor.SensorId))
            {
                yield return new ValidationResult($"{where}.SensorId '{sensor.SensorId}' is used twice.", [nameof(Sensors)]);
            }

            if (!Enum.IsDefined(sensor.Kind))
            {
                yield return new ValidationResult($"{where}.Kind '{sensor.Kind}' is not a known sensor kind.", [nameof(Sensors)]);
            }

            if (sensor.Kind == SensorKind.Thingy52 && sensor.SampleRateHz is < 5 or > 200)
            {
                yield return new ValidationResult($"{where}.SampleRateHz {sensor.SampleRateHz} is outside the Thingy:52 range 5-200.", [nameof(Sensors)]);
            }
        }
    }

    [GeneratedRegex("^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$")]
    private static partial Regex AddressPattern();
}
