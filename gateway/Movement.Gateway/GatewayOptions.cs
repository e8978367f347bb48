using System.ComponentModel.DataAnnotations;

namespace Movement.Gateway;

/// <summary>Bound from <c>Movement:Gateway</c>.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Movement:Gateway";

    [Required, RegularExpression("^[a-z0-9_-]{1,64}$", ErrorMessage = "GatewayId must be 1-64 of a-z, 0-9, '-', '_'.")]
    public string GatewayId { get; set; } = "gw-1";

    [Required, RegularExpression("^[a-z0-9_-]{1,64}$", ErrorMessage = "Site must be 1-64 of a-z, 0-9, '-', '_'.")]
    public string Site { get; set; } = "site-1";

    /// <summary>
    /// A home hub: one participant's step counter at home, forwarding to the clinic's broker (docs/home-hub.md). It
    /// publishes step readings, sensor status and its availability only: no sample batches (nobody watches exercise at
    /// home, and a day of IMU batches would fill a home uplink), no sensor claims (no other gateway shares its
    /// sensor), and it reads nothing from the broker (its account, the HomeHub role, may not). Its
    /// <see cref="GatewayId"/> is its broker username.
    /// </summary>
    public bool HomeHub { get; set; }

    /// <summary>How long samples collect before a batch is published.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan BatchInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often each sensor's retained status (link, battery, queue figures) is refreshed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan StatusInterval { get; set; } = TimeSpan.FromSeconds(5);
}
