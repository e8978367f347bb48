using System.ComponentModel.DataAnnotations;

namespace Movement.Dashboard;

/// <summary>Bound from <c>Movement:Dashboard</c>.</summary>
public sealed class DashboardOptions
{
    public const string SectionName = "Movement:Dashboard";

    [Required, RegularExpression("^[a-z0-9_-]{1,64}$")]
    public string Site { get; set; } = "site-1";

    /// <summary>Publish a demo session that maps the simulator's sensors to participants (single-box demo).</summary>
    public bool DemoSession { get; set; }

    [Range(0, 2000)]
    public int DemoParticipants { get; set; } = 8;
}

/// <summary>Which components this process runs. Bound from <c>Movement:Components</c>.</summary>
public sealed class ComponentsOptions
{
    public const string SectionName = "Movement:Components";

    public bool Gateway { get; set; } = true;

    public bool Classifier { get; set; } = true;

    public bool Store { get; set; } = true;
}
