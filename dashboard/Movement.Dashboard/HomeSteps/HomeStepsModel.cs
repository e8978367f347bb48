using System.ComponentModel.DataAnnotations;

namespace Movement.Dashboard.HomeSteps;

/// <summary>
/// A bearer token a participant's phone or home hub sends steps with. Only the SHA-256 of the token is kept: the
/// token itself is shown once, when it is created. Scoped to one participant; revoked tokens stay listed.
/// </summary>
public sealed class DeviceToken
{
    public int Id { get; set; }
    public required string ParticipantId { get; set; }

    /// <summary>What the participant calls the device ("my phone").</summary>
    public required string Name { get; set; }

    /// <summary>Lower-case hex SHA-256 of the token.</summary>
    public required string TokenHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>
/// Steps a device reported for one interval (a whole local day is an interval too). Identity: participant, source
/// and start and end: the same interval sent again replaces the earlier count. The source is either a device token
/// (the steps API) or a device named in an imported file (<see cref="StepImportSource"/>), never both.
/// </summary>
public sealed class ReportedStepInterval
{
    public long Id { get; set; }
    public required string ParticipantId { get; set; }
    public int? DeviceTokenId { get; set; }
    public int? StepImportSourceId { get; set; }
    public long StartUtcTicks { get; set; }
    public long EndUtcTicks { get; set; }
    public long Steps { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}

/// <summary>The steps API (docs/steps-api.md).</summary>
public sealed class StepsApiOptions
{
    public const string SectionName = "Movement:Dashboard:StepsApi";

    /// <summary>Requests one token may make per minute; more get 429.</summary>
    [Range(1, 10_000)]
    public int RequestsPerMinutePerToken { get; set; } = 60;

    /// <summary>Observations or data points in one request (a Bundle or an array).</summary>
    [Range(1, 10_000)]
    public int MaxItemsPerRequest { get; set; } = 1_000;

    [Range(1_024, 100_000_000)]
    public long MaxRequestBytes { get; set; } = 1_000_000;
}
