using System.ComponentModel.DataAnnotations;

namespace Movement.Dashboard;

/// <summary>Bound from <c>Movement:Dashboard</c>.</summary>
public sealed class DashboardOptions
{
    public const string SectionName = "Movement:Dashboard";

    [Required, RegularExpression("^[a-z0-9_-]{1,64}$")]
    public string Site { get; set; } = "site-1";

    /// <summary>The dashboard's own SQLite file: logins, cohorts, plans, attendance, outcomes.</summary>
    [Required]
    public string DatabasePath { get; set; } = "data/dashboard.db";

    /// <summary>Start (or resume) a session of the demo cohort as soon as the broker is reachable (single-box demo).</summary>
    public bool DemoSession { get; set; }

    /// <summary>
    /// Served through a TLS reverse proxy on this machine: take the client's scheme and address from the proxy's
    /// X-Forwarded-Proto/For (loopback proxies only), so cookies are Secure and HSTS is sent. Off when served directly.
    /// </summary>
    public bool TrustForwardedHeaders { get; set; }

    /// <summary>Consecutive flagged reps that raise a "repeated poor form" alert on the live grid.</summary>
    [Range(2, 50)]
    public int PoorFormAlertReps { get; set; } = 3;
}

/// <summary>
/// Demo accounts and a demo cohort created at start when the database has no supervisor. Bound from
/// <c>Movement:Dashboard:Seed</c>. Passwords come from configuration and are never logged.
/// </summary>
public sealed class SeedOptions : IValidatableObject
{
    public const string SectionName = "Movement:Dashboard:Seed";

    public bool Enabled { get; set; }

    [RegularExpression("^[A-Za-z0-9._-]{1,64}$")]
    public string SupervisorUserName { get; set; } = "supervisor";

    public string? SupervisorPassword { get; set; }

    /// <summary>Participants log in as <c>{ParticipantUserNamePrefix}01</c>, <c>02</c>, ...</summary>
    [RegularExpression("^[A-Za-z0-9._-]{1,60}$")]
    public string ParticipantUserNamePrefix { get; set; } = "participant";

    public string? ParticipantPassword { get; set; }

    /// <summary>Demo participants; participant N wears simulated sensor N.</summary>
    [Range(0, 200)]
    public int Participants { get; set; } = 8;

    /// <summary>
    /// The first N demo participants also wear simulated thigh sensor N (a thigh + shank pair on one leg): match
    /// <c>Movement:Gateway:Simulator:ThighSensors</c> so the simulator streams those thigh sensors.
    /// </summary>
    [Range(0, 200)]
    public int PairedParticipants { get; set; }

    [Range(1000, 30000)]
    public int DailyStepGoal { get; set; } = 6000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }

        if (string.IsNullOrEmpty(SupervisorPassword))
        {
            yield return new ValidationResult("Seed is enabled: set Movement:Dashboard:Seed:SupervisorPassword.", [nameof(SupervisorPassword)]);
        }

        if (PairedParticipants > Participants)
        {
            yield return new ValidationResult($"Seed PairedParticipants ({PairedParticipants}) is more than Participants ({Participants}).", [nameof(PairedParticipants)]);
        }

        if (Participants > 0 && string.IsNullOrEmpty(ParticipantPassword))
        {
            yield return new ValidationResult("Seed is enabled with participants: set Movement:Dashboard:Seed:ParticipantPassword.", [nameof(ParticipantPassword)]);
        }
    }
}

/// <summary>Which components this process runs. Bound from <c>Movement:Components</c>.</summary>
public sealed class ComponentsOptions
{
    public const string SectionName = "Movement:Components";

    public bool Gateway { get; set; } = true;

    public bool Classifier { get; set; } = true;

    public bool Store { get; set; } = true;
}
