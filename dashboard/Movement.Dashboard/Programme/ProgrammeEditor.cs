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

    /// <summary>Adds a participant with a login and usual sensors (shank, and thigh for a pair); returns an error message, or null on success.</summary>
    public async Task<string?> AddParticipantAsync(int cohortId, string displayName, string userName, string password, string? sensor, string? thighSensor, CancellationToken cancellationToken)
    {
        var participant = new Participant
        {
            Id = PseudonymousId.NewParticipantId(),
            DisplayName = displayName,
            CohortId = cohortId,
            DefaultSensor = string.IsNullOrWhiteSpace(sensor) ? null : sensor,
            DefaultThighSensor = string.IsNullOrWhiteSpace(thighSensor) ? null : thighSensor,
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
            station.TargetRomKind = edited.TargetRomKind;
            station.RepsIncreasePerSession = edited.RepsIncreasePerSession;
            station.MaxReps = edited.MaxReps;
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Replaces a session's sensor assignments with <paramref name="assignments"/> (rows may have been added or
    /// removed), after <see cref="Validate(IEnumerable{SensorAssignment}, IReadOnlyDictionary{string, string}?)"/>;
    /// returns what is wrong, or null once saved. Nothing is changed when the list is rejected. With
    /// <paramref name="makeUsual"/>, each listed participant's usual sensors become the ones listed (a pair's shank
    /// as the usual sensor and its thigh as the usual thigh sensor), so later sessions start from them.
    /// </summary>
    public async Task<string?> SaveAssignmentsAsync(int sessionId, IReadOnlyList<SensorAssignment> assignments, IReadOnlyDictionary<string, string>? names, bool makeUsual, CancellationToken cancellationToken)
    {
        if (Validate(assignments, names) is { } error)
        {
            return error;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var cohortId = await db.Sessions.Where(s => s.Id == sessionId).Select(s => s.CohortId).SingleAsync(cancellationToken);
        var participants = await db.Participants.Where(p => p.CohortId == cohortId).Select(p => p.Id).ToListAsync(cancellationToken);
        if (assignments.FirstOrDefault(a => !participants.Contains(a.ParticipantId)) is { } stranger)
        {
            return $"Participant {stranger.ParticipantId} is not in this session's cohort.";
        }

        // Delete then insert: rows may swap placements, which row-by-row updates would trip over (one sensor per placement).
        db.SensorAssignments.RemoveRange(await db.SensorAssignments.Where(a => a.SessionId == sessionId).ToListAsync(cancellationToken));
        await db.SaveChangesAsync(cancellationToken);
        db.SensorAssignments.AddRange(assignments.Select(a => new SensorAssignment
        {
            SessionId = sessionId,
            ParticipantId = a.ParticipantId,
            Sensor = a.Sensor.Trim(),
            Placement = a.Placement,
            Side = a.Side,
            Station = a.Station,
        }));
        if (makeUsual)
        {
            foreach (var participant in await db.Participants.Where(p => p.CohortId == cohortId).ToListAsync(cancellationToken))
            {
                var worn = assignments.Where(a => a.ParticipantId == participant.Id).ToList();
                if (worn.Count == 0)
                {
                    continue;
                }

                var pair = worn.Count == 2;
                var usual = pair ? worn.Single(a => a.Placement == Placement.Shank) : worn[0];
                participant.DefaultSensor = usual.Sensor.Trim();
                participant.DefaultPlacement = usual.Placement;
                participant.DefaultSide = usual.Side;
                participant.DefaultThighSensor = pair ? worn.Single(a => a.Placement == Placement.Thigh).Sensor.Trim() : null;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return null;
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

            if (!Enum.IsDefined(s.TargetRomKind))
            {
                return $"{s.Station}: '{s.TargetRomKind}' is not a kind of range: use one of {string.Join(", ", Enum.GetNames<RomKind>())}.";
            }

            // A knee bends to about 150°; a segment can turn further (a leg raised from hanging to level and beyond).
            if (s.TargetRomDeg is { } deg && !(deg > 0 && deg <= RomKinds.MaxTargetDeg(s.TargetRomKind)))
            {
                return $"{s.Station}: a {RomKinds.Label(s.TargetRomKind)} target range must be more than 0° and at most {RomKinds.MaxTargetDeg(s.TargetRomKind):F0}° (it is {deg:0.#}°); leave it empty for no target.";
            }
        }

        return null;
    }

    /// <summary>
    /// Null when a session's assignments are usable, else what is wrong: a sensor is worn by one person on one leg;
    /// a participant wears one sensor, or a thigh + shank pair on the same leg (what the classifier pairs into a knee
    /// angle, docs/classifier.md). <paramref name="names"/> (participant id → display name) makes messages readable.
    /// </summary>
    public static string? Validate(IEnumerable<SensorAssignment> assignments, IReadOnlyDictionary<string, string>? names = null)
    {
        var list = assignments.ToList();
        string Who(string participant) => names?.GetValueOrDefault(participant) ?? participant;
        foreach (var a in list)
        {
            if (!Topics.IsValidId(a.Sensor?.Trim() ?? ""))
            {
                return $"{Who(a.ParticipantId)}: sensor id '{a.Sensor}' is not valid: use 1-64 of a-z, 0-9, '-', '_'.";
            }

            if (!Enum.IsDefined(a.Placement))
            {
                return $"{Who(a.ParticipantId)}: sensor {a.Sensor} has an unknown placement '{a.Placement}': use one of {string.Join(", ", Enum.GetNames<Placement>())}.";
            }

            if (!Enum.IsDefined(a.Side))
            {
                return $"{Who(a.ParticipantId)}: sensor {a.Sensor} has an unknown leg '{a.Side}': use Left or Right.";
            }
        }

        var duplicate = list.GroupBy(a => a.Sensor.Trim(), StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            return $"Sensor {duplicate.Key} is listed {duplicate.Count()} times ({string.Join(", ", duplicate.Select(a => Who(a.ParticipantId)).Distinct())}): a sensor is worn by one person on one leg.";
        }

        foreach (var worn in list.GroupBy(a => a.ParticipantId, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var who = Who(worn.Key);
            if (worn.Count() > 2)
            {
                return $"{who} has {worn.Count()} sensors: a participant wears one, or a thigh + shank pair.";
            }

            if (worn.GroupBy(a => a.Placement).FirstOrDefault(g => g.Count() > 1) is { } samePlacement)
            {
                return $"{who} has two sensors on the {samePlacement.Key.ToString().ToLowerInvariant()} ({string.Join(" and ", samePlacement.Select(a => a.Sensor))}): a pair is one on the thigh and one on the shank.";
            }

            if (worn.Any(a => a.Placement is not (Placement.Thigh or Placement.Shank)))
            {
                return $"{who} has two sensors on the {string.Join(" and ", worn.Select(a => a.Placement.ToString().ToLowerInvariant()))}: a pair is one on the thigh and one on the shank.";
            }

            if (worn.Select(a => a.Side).Distinct().Count() > 1)
            {
                return $"{who}'s thigh and shank sensors are on different legs: a pair measures one knee, so both go on the same leg.";
            }
        }

        return null;
    }
}
