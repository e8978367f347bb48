using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace Movement.Gateway.Bluetooth;

/// <summary>Bound from <c>Movement:Gateway:Bluetooth</c>: real sensors through BlueZ over D-Bus.</summary>
public sealed partial class BluetoothOptions : IValidatableObject
{
    public const string SectionName = "Movement:Gateway:Bluetooth";

    public bool Enabled { get; set; }

    /// <summary>One BlueZ adapter, e.g. <c>hci0</c> (the setting from before several adapters; use <see cref="Adapters"/> for more).</summary>
    public string? Adapter { get; set; }

    /// <summary>The BlueZ adapters to spread sensors over, e.g. <c>["hci0", "hci1"]</c>. Empty: <see cref="Adapter"/>, else <c>hci0</c>.</summary>
    public List<string> Adapters { get; set; } = [];

    /// <summary>Connections one adapter holds at most (about 5 on a CSR8510, 7 on a BCM20702; fewer stay stable at high rates).</summary>
    [Range(1, 20)]
    public int LinksPerAdapter { get; set; } = 5;

    /// <summary>A sensor claim lapses this long after its holder's last refresh was heard (docs/mqtt.md, "Sensor claims").</summary>
    [Range(typeof(TimeSpan), "00:00:02", "00:10:00")]
    public TimeSpan ClaimTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the holder renews its claims; also how long a gateway listens after connecting before it claims.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan ClaimRefreshInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>After claiming, how long to wait for a competing claim from another gateway before connecting.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:30")]
    public TimeSpan ClaimSettleDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The adapters in use: <see cref="Adapters"/>, or the single <see cref="Adapter"/>, or <c>hci0</c>.</summary>
    public IReadOnlyList<string> EffectiveAdapters => Adapters.Count > 0 ? Adapters : [Adapter ?? "hci0"];

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

        if (Adapter is not null && Adapters.Count > 0)
        {
            yield return new ValidationResult($"{SectionName}: set Adapters (a list, e.g. [\"hci0\", \"hci1\"]) or the older single Adapter, not both; " +
                $"move Adapter '{Adapter}' into Adapters.", [nameof(Adapter), nameof(Adapters)]);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var adapter in EffectiveAdapters)
        {
            if (adapter is null || !AdapterPattern().IsMatch(adapter))
            {
                yield return new ValidationResult($"{SectionName}: adapter '{adapter}' is not a BlueZ adapter name like hci0.", [Adapters.Count > 0 ? nameof(Adapters) : nameof(Adapter)]);
            }
            else if (!seen.Add(adapter))
            {
                yield return new ValidationResult($"{SectionName}:Adapters lists '{adapter}' twice.", [nameof(Adapters)]);
            }
        }

        if (ClaimRefreshInterval * 2 > ClaimTtl)
        {
            yield return new ValidationResult($"{SectionName}:ClaimRefreshInterval ({ClaimRefreshInterval}) must be at most half of ClaimTtl ({ClaimTtl}), " +
                "so that one lost refresh does not let a claim lapse.", [nameof(ClaimRefreshInterval)]);
        }
    }

    [GeneratedRegex("^hci[0-9]{1,2}$")]
    private static partial Regex AdapterPattern();
}
