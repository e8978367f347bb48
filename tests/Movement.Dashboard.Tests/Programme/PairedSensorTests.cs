using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Movement.Dashboard.Data;
using Movement.Dashboard.Live;
using Movement.Dashboard.Programme;
using Movement.Protocol;
using Movement.TestSupport;

namespace Movement.Dashboard.Tests.Programme;

/// <summary>Participants wearing a thigh + shank pair, on the running system (real database, broker, simulator and classifier).</summary>
[Trait("Category", "Integration")]
[Collection(SystemCollection.Name)]
public sealed class PairedSensorTests(SystemFixture system)
{
    [Fact]
    public async Task EnsureAssignmentsAsync_PairParticipant_OneAssignmentPerUsualSensorAndKeepsTheSupervisorsRemoval()
    {
        await using var editorScope = system.Server.Services.CreateAsyncScope();
        var services = editorScope.ServiceProvider;
        var editor = services.GetRequiredService<ProgrammeEditor>();
        var cohort = await editor.AddCohortAsync("Pair cohort", new DateOnly(2026, 12, 1), CancellationToken.None);
        var (pair, single, none) = (PseudonymousId.NewParticipantId(), PseudonymousId.NewParticipantId(), PseudonymousId.NewParticipantId());
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DashboardDbContext>();
            db.Participants.AddRange(
                new Participant { Id = pair, DisplayName = "Pair", CohortId = cohort.Id, DefaultSensor = "pt-shank", DefaultThighSensor = "pt-thigh", DefaultSide = Side.Left },
                new Participant { Id = single, DisplayName = "Single", CohortId = cohort.Id, DefaultSensor = "pt-single", DefaultPlacement = Placement.Thigh },
                new Participant { Id = none, DisplayName = "No sensor", CohortId = cohort.Id });
            await db.SaveChangesAsync();
        }

        var sessions = services.GetRequiredService<SessionControl>();
        var session = (await sessions.NextSessionAsync(cohort.Id, CancellationToken.None))!;
        var assignments = await sessions.EnsureAssignmentsAsync(session.Id, CancellationToken.None);
        Assert.Equal(
            [(pair, "pt-shank", Placement.Shank, Side.Left), (single, "pt-single", Placement.Thigh, Side.Right), (pair, "pt-thigh", Placement.Thigh, Side.Left)],
            assignments.OrderBy(a => a.Sensor, StringComparer.Ordinal).Select(a => (a.ParticipantId, a.Sensor, a.Placement, a.Side)));
        Assert.All(assignments, a => Assert.Equal("station-1", a.Station));
        Assert.Equal(3, (await sessions.EnsureAssignmentsAsync(session.Id, CancellationToken.None)).Count); // nothing added twice

        // The supervisor takes the thigh sensor off: it stays off (the participant still has their shank sensor).
        Assert.Null(await editor.SaveAssignmentsAsync(session.Id, assignments.Where(a => a.Sensor != "pt-thigh").ToList(), null, makeUsual: false, CancellationToken.None));
        Assert.Equal(["pt-shank", "pt-single"], (await sessions.EnsureAssignmentsAsync(session.Id, CancellationToken.None)).Select(a => a.Sensor).Order());

        // A rejected list changes nothing.
        var rejected = assignments.Select(a => new SensorAssignment { ParticipantId = a.ParticipantId, Sensor = a.Sensor, Placement = Placement.Thigh, Side = a.Side, Station = a.Station }).ToList();
        Assert.Equal(
            "Pair has two sensors on the thigh (pt-shank and pt-thigh): a pair is one on the thigh and one on the shank.",
            await editor.SaveAssignmentsAsync(session.Id, rejected, new Dictionary<string, string> { [pair] = "Pair" }, makeUsual: true, CancellationToken.None));
        Assert.Equal(["pt-shank", "pt-single"], (await sessions.EnsureAssignmentsAsync(session.Id, CancellationToken.None)).Select(a => a.Sensor).Order());
        Assert.Equal("pt-thigh", (await UsualAsync(pair)).DefaultThighSensor);

        // Kept as usual: the single thigh wearer gets a shank sensor too and becomes a pair; the pair, listed with its
        // shank only, no longer has a usual thigh sensor.
        var current = await sessions.EnsureAssignmentsAsync(session.Id, CancellationToken.None);
        current.Add(new SensorAssignment { SessionId = session.Id, ParticipantId = single, Sensor = "pt-single-shank", Placement = Placement.Shank, Side = Side.Right, Station = "station-1" });
        Assert.Null(await editor.SaveAssignmentsAsync(session.Id, current, null, makeUsual: true, CancellationToken.None));
        var usual = await UsualAsync(single);
        Assert.Equal(("pt-single-shank", Placement.Shank, "pt-single"), (usual.DefaultSensor, usual.DefaultPlacement, usual.DefaultThighSensor));
        Assert.Equal(("pt-shank", (string?)null), ((await UsualAsync(pair)).DefaultSensor, (await UsualAsync(pair)).DefaultThighSensor));
        Assert.Null((await UsualAsync(none)).DefaultSensor);
    }

    private async Task<Participant> UsualAsync(string participant)
    {
        await using var scope = system.Server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DashboardDbContext>().Participants.AsNoTracking().SingleAsync(p => p.Id == participant);
    }

    [Fact]
    public async Task SimulatedPairParticipant_Reps_ArriveOncePerRepFromTheExercisesSource()
    {
        // Demo participant 1 wears simulated shank sim-01 and thigh sim-01-thigh (Seed:PairedParticipants, Simulator:ThighSensors).
        var participant = await system.Server.ParticipantIdAsync(1);
        await using var probe = await MqttProbe.ConnectAsync(system.Server.Mqtt.Probe(), "pair-reps",
            [Topics.ParticipantEvent("site-1", participant, RepEvent.TypeName)]);
        var sessions = system.Server.Services.GetRequiredService<SessionControl>();
        var live = system.Server.Services.GetRequiredService<LiveGroupState>();
        // The session running, or the cohort's next one (the live state hears of a new one only when the broker echoes it).
        var session = live.Session;
        if (session is not { Active: true })
        {
            await using var scope = system.Server.Services.CreateAsyncScope();
            var cohortId = await scope.ServiceProvider.GetRequiredService<DashboardDbContext>().Participants.Where(p => p.Id == participant).Select(p => p.CohortId).SingleAsync();
            session = await sessions.StartAsync((await sessions.NextSessionAsync(cohortId, CancellationToken.None))!.Id, CancellationToken.None);
        }

        var roster = session.Roster.Where(e => e.Participant == participant).Select(e => (e.Sensor, e.Placement)).Order().ToArray();
        Assert.Equal([("sim-01", Placement.Shank), ("sim-01-thigh", Placement.Thigh)], roster);

        var reps = new List<RepEvent>();
        while (reps.Count < 6)
        {
            var (_, payload) = await probe.NextAsync(TimeSpan.FromSeconds(120));
            Assert.True(ProtocolJson.TryDecodeEvent(payload, out var movementEvent, out var error), error);
            reps.Add(Assert.IsType<RepEvent>(movementEvent));
        }

        // One event per rep: had the shank, the thigh and the knee pair each published the rep, two events would cover
        // the same movement. (Set numbers do not show it: each rep source numbers its own sets.)
        Assert.Equal(reps.Count, reps.Select(r => r.Id).Distinct().Count());
        var inTime = reps.OrderBy(r => r.StartTime).ToArray();
        foreach (var (earlier, later) in inTime.Zip(inTime.Skip(1)))
        {
            var overlapS = (Min(earlier.Time, later.Time) - later.StartTime).TotalSeconds;
            Assert.True(overlapS < 0.5 * Math.Min(earlier.DurationS, later.DurationS),
                $"reps {earlier.Id} and {later.Id} ({earlier.Sensor}, {later.Sensor}) cover the same {overlapS:F2} s");
        }

        Assert.All(reps, r => Assert.Equal(participant, r.Participant));
        // Each rep names the source its exercise takes reps from (ParticipantRepSource): the knee pair (shank id plus the
        // thigh as paired sensor), the thigh, or the shank.
        Assert.All(reps, r => Assert.Equal(
            Movement.Classifier.ParticipantRepSource.For(r.Exercise) switch
            {
                Movement.Classifier.RepSource.KneePair => ("sim-01", "sim-01-thigh"),
                Movement.Classifier.RepSource.Thigh => ("sim-01-thigh", (string?)null),
                _ => ("sim-01", null),
            },
            (r.Sensor, r.PairedSensor)));

        // The participant's one tile follows the reps.
        var tile = Assert.Single(live.Tiles, t => t.Participant == participant);
        Assert.Equal("thigh + shank", tile.Placements);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
