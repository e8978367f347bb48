using Movement.Motion.Sessions;
using Movement.Protocol;

namespace Movement.Motion.Tests.Sessions;

/// <summary>A simulated participant follows the supervisor's timed circuit: stations in plan order, walks between.</summary>
public class TimedCircuitTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    private static SessionState DemoSession() => new()
    {
        SessionId = "demo",
        Active = true,
        Time = T0,
        Roster = [.. Enumerable.Range(0, 10).Select(i => new RosterEntry($"p-{i}", $"sim-{i + 1:D2}", Placement.Shank, Side.Right, DemoCircuit.Stations[i % 5].Station))],
        Stations = DemoCircuit.Stations,
        StationTimeS = DemoCircuit.StationTimeS,
        ChangeoverS = DemoCircuit.ChangeoverS,
    };

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(7)]
    public void ForSession_DemoCircuit_VisitsTheStationsInPlanOrderWithinEachStationsTime(int person)
    {
        var state = DemoSession();
        var entry = state.Roster[person];
        var plan = SessionPlan.ForSession(state, entry, T0, rotations: 5, seed: 500 + person)!;

        var session = SimulatedSession.Create(plan, ParticipantProfile.Random(500 + person), 500 + person);

        var sets = session.Truth.Segments.Where(s => s.Exercise is not (ExerciseIds.Rest or ExerciseIds.Walking)).ToList();
        var visited = sets.Select(s => s.Exercise).Distinct().ToList(); // consecutive sets at one station are one visit
        Assert.Equal(Enumerable.Range(0, 5).Select(r => state.StationAt(entry, T0.AddSeconds((r * 270) + 1))!.Exercise), visited);
        foreach (var set in sets)
        {
            // Every set lies inside the time the plan gives its station, as the classifier reads the plan.
            Assert.Equal(set.Exercise, state.StationAt(entry, T0.AddSeconds(set.StartS))?.Exercise);
            Assert.Equal(set.Exercise, state.StationAt(entry, T0.AddSeconds(set.EndS))?.Exercise);
            Assert.Equal(DemoCircuit.Stations.Single(s => s.Exercise == set.Exercise).TargetReps,
                session.Truth.Reps.Count(r => r.StartS >= set.StartS && r.EndS <= set.EndS));
        }

        // Most people fit two sets with a rest between into a station's four minutes.
        Assert.InRange(sets.Count, 5, 5 * SessionPlan.MaxSetsPerStation);
    }

    [Fact]
    public void ForSession_DemoCircuit_WalksBetweenStationsOnlyWhileThePlanSaysSo()
    {
        var state = DemoSession();
        var entry = state.Roster[1];
        var session = SimulatedSession.Create(SessionPlan.ForSession(state, entry, T0, rotations: 5, seed: 77)!, ParticipantProfile.Random(77), 77);

        var walks = session.Truth.Segments.Where(s => s.Exercise == ExerciseIds.Walking).ToList();
        Assert.Equal(5, walks.Count);
        Assert.All(walks, w =>
        {
            Assert.True(state.IsChangingStation(entry, T0.AddSeconds(w.StartS)), $"walk starting at {w.StartS} s");
            Assert.True(state.IsChangingStation(entry, T0.AddSeconds(w.EndS)), $"walk ending at {w.EndS} s");
        });
        // Steps, not reps: heel strikes only while walking.
        Assert.All(session.Truth.HeelStrikesS, t => Assert.Contains(walks, w => t >= w.StartS - 0.01 && t <= w.EndS + 0.01));
        Assert.DoesNotContain(session.Truth.Reps, r => walks.Any(w => r.StartS < w.EndS && r.EndS > w.StartS));
    }

    [Fact]
    public void ForSession_JoinedDuringAChangeover_StartsStandingAtTheNextStationsTime()
    {
        var state = DemoSession();
        var entry = state.Roster[0];
        var from = T0.AddSeconds(DemoCircuit.StationTimeS + 20); // the group is walking from station 1 to 2

        var plan = SessionPlan.ForSession(state, entry, from, rotations: 2, seed: 5)!;
        var session = SimulatedSession.Create(plan, ParticipantProfile.Random(5), 5);

        Assert.Equal(Posture.Standing, plan.StartPosture);
        var firstSet = session.Truth.Segments.First(s => s.Exercise is not (ExerciseIds.Rest or ExerciseIds.Walking));
        Assert.Equal(DemoCircuit.Stations[1].Exercise, firstSet.Exercise);
        Assert.InRange(firstSet.StartS, 10, 20); // the next station's time begins 10 s after joining
    }

    [Fact]
    public void ForSession_NoCircuitTiming_SetsAtTheRosterStation()
    {
        var state = DemoSession() with { StationTimeS = null, ChangeoverS = null };

        var session = SimulatedSession.Create(SessionPlan.ForSession(state, state.Roster[2], T0, rotations: 2, seed: 9)!, ParticipantProfile.Random(9), 9);

        Assert.All(session.Truth.Reps, r => Assert.Equal(DemoCircuit.Stations[2].Exercise, r.Exercise));
        Assert.DoesNotContain(session.Truth.Segments, s => s.Exercise == ExerciseIds.Walking);
    }

    [Fact]
    public void ForSession_StationNotInThePlan_Null()
    {
        var state = DemoSession();

        Assert.Null(SessionPlan.ForSession(state, state.Roster[0] with { Station = "elsewhere" }, T0, 1, 1));
    }
}
