using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Movement.Dashboard.Data;

/// <summary>A login. Participants carry the pseudonymous id their data is filed under; supervisors have none.</summary>
public sealed class DashboardUser : IdentityUser
{
    public string? ParticipantId { get; set; }
}

/// <summary>
/// The dashboard's own data: accounts, cohorts, the session plan, the circuit plan and sensor assignments.
/// Activity (reps, steps, attendance, outcome scores) lives in the activity store, not here; steps a participant's own
/// devices send through the steps API are kept here, with the device tokens (HomeSteps).
/// </summary>
public sealed class DashboardDbContext(DbContextOptions<DashboardDbContext> options) : IdentityDbContext<DashboardUser>(options)
{
    public DbSet<Cohort> Cohorts => Set<Cohort>();
    public DbSet<Participant> Participants => Set<Participant>();
    public DbSet<CircuitStation> Stations => Set<CircuitStation>();
    public DbSet<ProgrammeSession> Sessions => Set<ProgrammeSession>();
    public DbSet<SensorAssignment> SensorAssignments => Set<SensorAssignment>();
    public DbSet<HomeSteps.DeviceToken> DeviceTokens => Set<HomeSteps.DeviceToken>();
    public DbSet<HomeSteps.ReportedStepInterval> ReportedStepIntervals => Set<HomeSteps.ReportedStepInterval>();
    public DbSet<HomeSteps.StepImportSource> StepImportSources => Set<HomeSteps.StepImportSource>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<DashboardUser>().HasIndex(u => u.ParticipantId).IsUnique();
        builder.Entity<Participant>().HasKey(p => p.Id);
        builder.Entity<Participant>().Property(p => p.DefaultPlacement).HasConversion<string>();
        builder.Entity<Participant>().Property(p => p.DefaultSide).HasConversion<string>();
        builder.Entity<ProgrammeSession>().HasIndex(s => new { s.CohortId, s.Number }).IsUnique();
        builder.Entity<ProgrammeSession>().HasIndex(s => s.SessionKey).IsUnique();
        // A participant wears one sensor per placement (a thigh + shank pair at most); sensor ids are checked per
        // session by ProgrammeEditor.Validate, with a message, before anything is saved.
        builder.Entity<SensorAssignment>().HasIndex(a => new { a.SessionId, a.ParticipantId, a.Placement }).IsUnique();
        builder.Entity<SensorAssignment>().Property(a => a.Placement).HasConversion<string>();
        builder.Entity<SensorAssignment>().Property(a => a.Side).HasConversion<string>();
        builder.Entity<CircuitStation>().Property(s => s.TargetRomKind).HasConversion<string>();
        builder.Entity<HomeSteps.DeviceToken>().HasIndex(t => t.TokenHash).IsUnique();
        builder.Entity<HomeSteps.DeviceToken>().HasIndex(t => t.ParticipantId);
        // The identity of a reported interval: sent again, it replaces the count rather than adding to it.
        // NULLs are distinct in a unique index, so a token's rows and an import source's rows each have their own.
        builder.Entity<HomeSteps.ReportedStepInterval>().HasIndex(r => new { r.ParticipantId, r.DeviceTokenId, r.StartUtcTicks, r.EndUtcTicks }).IsUnique();
        builder.Entity<HomeSteps.ReportedStepInterval>().HasIndex(r => new { r.ParticipantId, r.StepImportSourceId, r.StartUtcTicks, r.EndUtcTicks }).IsUnique();
        builder.Entity<HomeSteps.ReportedStepInterval>().ToTable(t => t.HasCheckConstraint(
            "CK_ReportedStepIntervals_OneSource", "(\"DeviceTokenId\" IS NULL) <> (\"StepImportSourceId\" IS NULL)"));
        builder.Entity<HomeSteps.StepImportSource>().HasIndex(s => new { s.ParticipantId, s.Format, s.SourceKey }).IsUnique();
    }
}

public static class Roles
{
    public const string Supervisor = "Supervisor";
    public const string Participant = "Participant";

    /// <summary>A supervisor on the central dashboard: sees the recorded data of the site in their account's site claim only (docs/deployment.md).</summary>
    public const string CentralSupervisor = "CentralSupervisor";
}

/// <summary>A group following the ESCAPE-pain shape: 12 sessions, twice weekly for 6 weeks.</summary>
public sealed class Cohort
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public DateOnly StartDate { get; set; }
    public int SessionsPlanned { get; set; } = 12;
    public int SessionsPerWeek { get; set; } = 2;
    public List<Participant> Participants { get; set; } = [];
    public List<CircuitStation> Stations { get; set; } = [];
    public List<ProgrammeSession> Sessions { get; set; } = [];
}

public sealed class Participant
{
    /// <summary>Pseudonymous id used in URLs, MQTT topics and the activity store.</summary>
    public required string Id { get; set; }

    /// <summary>Shown to supervisors only; never leaves the dashboard.</summary>
    public required string DisplayName { get; set; }

    public int CohortId { get; set; }
    public Cohort? Cohort { get; set; }

    /// <summary>The sensor this participant usually wears in class (normally on the shank); copied into each session's assignment.</summary>
    public string? DefaultSensor { get; set; }

    public Movement.Protocol.Placement DefaultPlacement { get; set; } = Movement.Protocol.Placement.Shank;
    public Movement.Protocol.Side DefaultSide { get; set; } = Movement.Protocol.Side.Right;

    /// <summary>
    /// A thigh sensor worn as well, on the same leg (<see cref="DefaultSide"/>), when <see cref="DefaultSensor"/> is on
    /// the shank: the classifier then measures the knee angle from the pair (docs/classifier.md). Copied into each
    /// session's assignment with placement Thigh.
    /// </summary>
    public string? DefaultThighSensor { get; set; }

    /// <summary>The step counter at home (after discharge), if the participant has a connected one.</summary>
    public string? StepSensor { get; set; }

    /// <summary>Daily step goal set by the supervisor at discharge.</summary>
    public int? DailyStepGoal { get; set; }

    public DateOnly? DischargeDate { get; set; }
}

/// <summary>One station of the circuit. Target reps grow by <see cref="RepsIncreasePerSession"/> up to <see cref="MaxReps"/>.</summary>
public sealed class CircuitStation
{
    public int Id { get; set; }
    public int CohortId { get; set; }
    public required string Station { get; set; }
    public int Order { get; set; }
    public required string Exercise { get; set; }
    public int TargetReps { get; set; }
    public double? TargetRomDeg { get; set; }

    /// <summary>What <see cref="TargetRomDeg"/> is an angle of: the knee (a thigh + shank pair's reps) or one segment's own angle.</summary>
    public Movement.Protocol.RomKind TargetRomKind { get; set; } = Movement.Protocol.RomKind.Knee;

    public int RepsIncreasePerSession { get; set; }
    public int MaxReps { get; set; }

    public int TargetRepsFor(int sessionNumber) =>
        Math.Min(Math.Max(MaxReps, TargetReps), TargetReps + (Math.Max(1, sessionNumber) - 1) * RepsIncreasePerSession);
}

public sealed class ProgrammeSession
{
    public int Id { get; set; }
    public int CohortId { get; set; }
    public Cohort? Cohort { get; set; }
    public int Number { get; set; }
    public DateOnly PlannedDate { get; set; }

    /// <summary>The session id on the broker and in the store (no names in it).</summary>
    public required string SessionKey { get; set; }

    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
}

public sealed class SensorAssignment
{
    public int Id { get; set; }
    public int SessionId { get; set; }
    public required string ParticipantId { get; set; }
    public required string Sensor { get; set; }
    public Movement.Protocol.Placement Placement { get; set; }
    public Movement.Protocol.Side Side { get; set; }
    public required string Station { get; set; }
}
