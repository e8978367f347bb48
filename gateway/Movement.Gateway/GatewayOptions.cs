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

    /// <summary>How long samples collect before a batch is published.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan BatchInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Outgoing messages held in memory while the publisher catches up.</summary>
    [Range(16, 1_000_000)]
    public int OutgoingQueueCapacity { get; set; } = 10_000;
}
