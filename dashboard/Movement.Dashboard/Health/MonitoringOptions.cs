using System.ComponentModel.DataAnnotations;

namespace Movement.Dashboard.Health;

/// <summary>Bound from <c>Movement:Dashboard:Monitoring</c>: what <c>/healthz</c> calls stale and who may read <c>/metrics</c>.</summary>
public sealed class MonitoringOptions
{
    public const string SectionName = "Movement:Dashboard:Monitoring";

    /// <summary>A site whose session is running and that has had no sample for longer than this is degraded.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan MaxSampleAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Unset: <c>/metrics</c> answers only requests made directly from this machine (loopback, not relayed by a
    /// proxy). Set: it answers only requests carrying <c>Authorization: Bearer {token}</c>, from anywhere. Never logged.
    /// </summary>
    [MinLength(32)]
    public string? MetricsToken { get; set; }
}
