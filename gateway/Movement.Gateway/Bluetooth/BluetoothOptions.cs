using System.ComponentModel.DataAnnotations;

namespace Movement.Gateway.Bluetooth;

/// <summary>Bound from <c>Movement:Gateway:Bluetooth</c>: real sensors through BlueZ over D-Bus.</summary>
public sealed class BluetoothOptions : IValidatableObject
{
    public const string SectionName = "Movement:Gateway:Bluetooth";

    public bool Enabled { get; set; }

    /// <summary>The BlueZ adapter, e.g. <c>hci0</c>.</summary>
    [Required, RegularExpression("^hci[0-9]{1,2}$")]
    public string Adapter { get; set; } = "hci0";

    /// <summary>D-Bus address of the system bus; empty means <c>DBUS_SYSTEM_BUS_ADDRESS</c> or the default socket.</summary>
    public string? BusAddress { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long to wait for ServicesResolved and for every needed GATT object to be exported.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan ServicesTimeout { get; set; } = TimeSpan.FromSeconds(15);

    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00")]
    public TimeSpan ReconnectDelayMin { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.050", "00:30:00")]
    public TimeSpan ReconnectDelayMax { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan BatteryInterval { get; set; } = TimeSpan.FromMinutes(5);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ReconnectDelayMax < ReconnectDelayMin)
        {
            yield return new ValidationResult($"{SectionName}:ReconnectDelayMax ({ReconnectDelayMax}) must not be below ReconnectDelayMin ({ReconnectDelayMin}).",
                [nameof(ReconnectDelayMax)]);
        }
    }
}
