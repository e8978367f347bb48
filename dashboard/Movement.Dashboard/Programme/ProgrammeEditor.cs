using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Movement.Dashboard.Data;
using Movement.Protocol;

namespace Movement.Dashboard.Programme;

/// <summary>Changes to the programme: cohorts, participants and their logins, the circuit plan and sensor assignments.</summary>
public sealed class ProgrammeEditor(IDbContextFactory<DashboardDbContext> dbFactory, UserManager<DashboardUser> users)
{
    public async Task<Cohort> AddCohortAsync(string name, DateOnly start, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var cohort = DashboardDatabaseInitialiser.NewEscapePainCohort(name, start);
        db.Cohorts.Add(cohort);
        await db.SaveChangesAsync(cancellationToken);
        return cohort;
    }

    /// <summary>Adds a participant with a login; returns an error message, or null on success.</summary>
    public async Task<string?> AddParticipantAsync(int cohortId, string displayName, string userName, string password, string? sensor, CancellationToken cancellationToken)
    {
        var participant = new Participant
        {
            Id = PseudonymousId.NewParticipantId(),
            DisplayName = displayName,
            CohortId = cohortId,
            DefaultSensor = string.IsNullOrWhiteSpace(sensor) ? null : sensor,
        };
        var user = new DashboardUser { UserName = userName, ParticipantId = participant.Id };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            return string.Join(" ", created.Errors.Select(e => e.Description));
        }

        await users.AddToRoleAsync(user, Roles.Participant);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.Participants.Add(participant);
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    public async Task SaveStationsAsync(int cohortId, IReadOnlyList<CircuitStation> stations, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var existing = await db.Stations.Where(s => s.CohortId == cohortId).ToListAsync(cancellationToken);
        foreach (var edited in stations)
        {
            var station = existing.SingleOrDefault(s => s.Id == edited.Id);
            if (station is null)
            {
                continue;
            }

            station.Exercise = edited.Exercise;
            station.TargetReps = edited.TargetReps;
            station.TargetRomDeg = edited.TargetRomDeg;
            station.RepsIncreasePerSession = edited.RepsIncreasePerSession;
            station.MaxReps = edited.MaxReps;
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task SaveAssignmentsAsync(IReadOnlyList<SensorAssignment> assignments, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        foreach (var edited in assignments)
        {
            var assignment = await db.SensorAssignments.SingleAsync(a => a.Id == edited.Id, cancellationToken);
            assignment.Sensor = edited.Sensor;
            assignment.Side = edited.Side;
            assignment.Placement = edited.Placement;
            assignment.Station = edited.Station;
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Null when the circuit plan is usable, else what is wrong.</summary>
    public static string? Validate(IEnumerable<CircuitStation> stations)
    {
        foreach (var s in stations)
        {
            if (!ExerciseIds.All.Contains(s.Exercise))
            {
                return $"{s.Station}: '{s.Exercise}' is not a known exercise.";
            }

            if (s.TargetReps is < 1 or > 100)
            {
                return $"{s.Station}: target reps must be 1-100.";
            }

            if (s.MaxReps < s.TargetReps || s.MaxReps > 100)
            {
                return $"{s.Station}: the most reps must be at least the starting target and at most 100.";
            }

            if (s.RepsIncreasePerSession is < 0 or > 10)
            {
                return $"{s.Station}: the increase per session must be 0-10 reps.";
            }

            if (s.TargetRomDeg is < 5 or > 180)
            {
                return $"{s.Station}: target range must be 5-180°.";
            }
        }

        return null;
    }

    /// <summary>Null when the assignments are usable, else what is wrong (a sensor can be on one leg only).</summary>
    public static string? Validate(IEnumerable<SensorAssignment> assignments)
    {
        var list = assignments.ToList();
        if (list.FirstOrDefault(a => !Topics.IsValidId(a.Sensor)) is { } bad)
        {
            return $"Sensor id '{bad.Sensor}' is not valid: use 1-64 of a-z, 0-9, '-', '_'.";
        }

        var duplicate = list.GroupBy(a => a.Sensor).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? null : $"Sensor {duplicate.Key} is assigned to {duplicate.Count()} participants.";
    }
}
