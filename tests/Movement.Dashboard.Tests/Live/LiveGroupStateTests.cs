using Microsoft.Extensions.Options;
using Movement.Dashboard.Live;
using Movement.Protocol;

namespace Movement.Dashboard.Tests.Live;

public sealed class LiveGroupStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    private static LiveGroupState NewState() => new(Options.Create(new DashboardOptions { PoorFormAlertReps = 3 }));

    private static SessionState Session(string id, params string[] participants) => new()
    {
        SessionId = id,
        Active = true,
        Time = T0,
        Roster = participants.Select((p, i) => new RosterEntry(p, $"sim-{i + 1:D2}", Placement.Shank, Side.Left, "station-1")).ToArray(),
        Stations = [new StationPlan("station-1", ExerciseIds.KneeExtension, 12, 90)],
    };

    private static RepEvent Rep(string participant, int number, double rom, string session = "s01", params FormFlag[] flags) => new()
    {
        Id = $"{participant}-{number}",
        Site = "site-1",
        Participant = participant,
        Sensor = "sim-01",
        Session = session,
        Time = T0.AddSeconds(number * 3),
        StartTime = T0.AddSeconds((number * 3) - 2),
        Exercise = ExerciseIds.KneeExtension,
        SetNumber = 1,
        RepNumber = number,
        DurationS = 2,
        RomDeg = rom,
        Flags = flags,
    };

    private static FormFlag Partial(double rom) => new(FormFlagIds.PartialRange, rom, 90, "deg", $"partial range: {rom:F0}° of 90°");

    [Fact]
    public void Apply_Session_ShowsRosterWithStationTargets()
    {
        var state = NewState();
        state.Apply(Session("s01", "p-a", "p-b"));
        Assert.Equal(["p-a", "p-b"], state.Tiles.Select(t => t.Participant));
        Assert.All(state.Tiles, t => Assert.Equal((12, 90.0, Side.Left), (t.TargetReps!.Value, t.TargetRomDeg!.Value, t.Side!.Value)));
    }

    [Fact]
    public void Apply_RepWithFlag_ShowsCountAndMeasuredValue()
    {
        var state = NewState();
        state.Apply(Session("s01", "p-a"));
        state.Apply(Rep("p-a", 4, 48, flags: Partial(48)));
        var tile = Assert.Single(state.Tiles);
        Assert.Equal(4, tile.RepsInSet);
        Assert.Equal("partial range: 48° of 90°", Assert.Single(tile.LastFlags).Message);
    }

    [Fact]
    public void Apply_RepsTheClassifierIsUnsureOf_TileCountsThemUncertainWithTheNoteUntilTheNextSet()
    {
        var state = NewState();
        state.Apply(Session("s01", "p-a"));
        state.Apply(Rep("p-a", 1, 60));
        state.Apply(Rep("p-a", 2, 60) with { Confidence = 0.3, LooksLike = ExerciseIds.StraightLegRaise });
        state.Apply(Rep("p-a", 3, 60) with { Confidence = 0.9 });

        var tile = Assert.Single(state.Tiles);
        Assert.Equal((3, 1), (tile.RepsInSet, tile.UncertainRepsInSet));
        Assert.Null(tile.LooksLike); // the last rep carried no note

        state.Apply(Rep("p-a", 1, 60) with { Id = "next-set", Confidence = 0.5, LooksLike = ExerciseIds.StraightLegRaise });
        tile = Assert.Single(state.Tiles);
        Assert.Equal((1, 1, ExerciseIds.StraightLegRaise), (tile.RepsInSet, tile.UncertainRepsInSet, tile.LooksLike));
    }

    [Fact]
    public void Acknowledge_CurrentAlertsCalmed_ANewAlertOrTheSameAgainAfterClearingIsUnacknowledged()
    {
        var state = NewState();
        state.Apply(Session("s01", "p-a"));
        state.Apply(Status("sim-01", connected: false, battery: 80));
        ParticipantTile Tile() => Assert.Single(state.Tiles);
        Assert.Equal([TileAlert.SensorLost], state.Unacknowledged(Tile()));

        state.Acknowledge("p-a");
        Assert.Empty(state.Unacknowledged(Tile()));
        Assert.Equal([TileAlert.SensorLost], state.Alerts(Tile()));

        // A new kind of alert needs attention; the acknowledged one stays calm.
        state.Apply(Status("sim-01", connected: false, battery: 5));
        Assert.Equal([TileAlert.LowBattery], state.Unacknowledged(Tile()));

        // Cleared and back again: it alerts again.
        state.Acknowledge("p-a");
        state.Apply(Status("sim-01", connected: true, battery: 80));
        state.Apply(Status("sim-01", connected: false, battery: 80));
        Assert.Equal([TileAlert.SensorLost], state.Unacknowledged(Tile()));
    }

    [Fact]
    public void AlertsRaised_AlertCleared_StillListedUntilTheNextSession()
    {
        var state = NewState();
        state.Apply(Session("s01", "p-a", "p-b"));
        for (var i = 1; i <= 3; i++)
        {
            state.Apply(Rep("p-a", i, 48, flags: Partial(48)));
        }

        state.Apply(Rep("p-a", 4, 88));

        Assert.Empty(state.Alerts(state.Tiles.Single(t => t.Participant == "p-a")));
        Assert.Equal([TileAlert.RepeatedPoorForm], state.AlertsRaised("p-a"));
        Assert.Empty(state.AlertsRaised("p-b"));

        state.Apply(Session("s02", "p-a", "p-b"));
        Assert.Empty(state.AlertsRaised("p-a"));
    }

    [Fact]
    public void Alerts_ThreeFlaggedRepsInARow_RepeatedPoorForm_ClearedByAGoodRep()
    {
        var state = NewState();
        state.Apply(Session("s01", "p-a"));
        state.Apply(Rep("p-a", 1, 50, flags: Partial(50)));
        state.Apply(Rep("p-a", 2, 52, flags: Partial(52)));
        Assert.DoesNotContain(TileAlert.RepeatedPoorForm, state.Alerts(state.Tiles[0]));
        state.Apply(Rep("p-a", 3, 49, flags: Partial(49)));
        Assert.Contains(TileAlert.RepeatedPoorForm, state.Alerts(state.Tiles[0]));
        state.Apply(Rep("p-a", 4, 88));
        Assert.Empty(state.Alerts(state.Tiles[0]));
    }

    [Fact]
    public void Alerts_SensorDisconnectedOrLowBattery_Raised()
    {
        var state = NewState();
        state.Apply(Session("s01", "p-a"));
        state.Apply(new SensorStatus { Sensor = "sim-01", Gateway = "gw-1", Kind = "test", Connected = false, Time = T0, BatteryPct = 9 });
        Assert.Equal([TileAlert.SensorLost, TileAlert.LowBattery], state.Alerts(state.Tiles[0]));
    }

    [Fact]
    public void Apply_NewSession_ReplacesGridAndIgnoresLateEventsOfTheOldOne()
    {
        var state = NewState();
        state.Apply(Session("s01", "p-a", "p-b"));
        state.Apply(Rep("p-a", 7, 80));
        state.Apply(Session("s02", "p-c"));
        state.Apply(Rep("p-a", 8, 80, session: "s01"));
        var tile = Assert.Single(state.Tiles);
        Assert.Equal(("p-c", 0), (tile.Participant, tile.RepsInSet));
    }

    [Fact]
    public void Apply_TimedCircuitMovesOn_TileShowsTheCurrentStationAndThatStationsTarget()
    {
        var state = NewState();
        state.Apply(Session("s01", "p-a") with
        {
            Stations = [new StationPlan("station-1", ExerciseIds.KneeExtension, 12, 50), new StationPlan("station-2", ExerciseIds.SitToStand, 8)],
            StationTimeS = 240,
            ChangeoverS = 30,
        });
        state.Apply(Rep("p-a", 1, 70) with { TargetRomDeg = 50, TargetReps = 12 });
        Assert.Equal(("station-1", 50.0), (state.Tiles[0].Station, state.Tiles[0].TargetRomDeg));

        state.Apply(Rep("p-a", 100, 30) with { Exercise = ExerciseIds.SitToStand, TargetReps = 8 }); // 298 s in: station 2, no range target

        Assert.Equal(("station-2", (double?)null, 8), (state.Tiles[0].Station, state.Tiles[0].TargetRomDeg, state.Tiles[0].TargetReps));
    }

    [Fact]
    public void RangeText_OneShankAgainstAShankTarget_NamesTheShankAngleAndTheTarget()
    {
        var state = NewState();
        state.Apply(Session("s01", "p-a") with { Stations = [new StationPlan("station-1", ExerciseIds.KneeExtension, 12, 50, RomKind.Shank)] });
        Assert.Equal("target: shank angle 50°", state.Tiles[0].RangeText);

        state.Apply(Rep("p-a", 1, 64) with { RomKind = RomKind.Shank, TargetRomDeg = 50 });

        Assert.Equal("last rep: shank angle 64° (target 50°)", state.Tiles[0].RangeText);
    }

    [Fact]
    public void RangeText_OneThighAtAKneeTargetsStation_NamesTheThighAngleAndThatTheTargetIsTheKnees()
    {
        var state = NewState();
        state.Apply(Session("s01", "p-a") with
        {
            Roster = [new RosterEntry("p-a", "sim-01", Placement.Thigh, Side.Left, "station-1")],
            Stations = [new StationPlan("station-1", ExerciseIds.Squat, 10, 90, RomKind.Knee)],
        });
        Assert.Equal("target: knee angle 90°", state.Tiles[0].RangeText);

        state.Apply(Rep("p-a", 1, 41) with { Exercise = ExerciseIds.Squat, RomKind = RomKind.Thigh });

        var text = state.Tiles[0].RangeText;
        Assert.Equal("last rep: thigh angle 41° (90° target is a knee angle)", text);
        Assert.DoesNotContain("knee angle 41", text, StringComparison.Ordinal);
    }

    [Fact]
    public void RangeText_PairsKneeRep_NamesTheKneeAngle()
    {
        var state = NewState();
        state.Apply(Session("s01", "p-a") with
        {
            Roster = [new RosterEntry("p-a", "sim-01", Placement.Shank, Side.Left, "station-1"), new RosterEntry("p-a", "sim-01-thigh", Placement.Thigh, Side.Left, "station-1")],
            Stations = [new StationPlan("station-1", ExerciseIds.Squat, 10, 90, RomKind.Knee)],
        });

        state.Apply(Rep("p-a", 1, 95) with { Exercise = ExerciseIds.Squat, PairedSensor = "sim-01-thigh", RomKind = RomKind.Knee, TargetRomDeg = 90 });

        Assert.Equal("last rep: knee angle 95° (target 90°)", state.Tiles[0].RangeText);
    }

    [Theory]
    [InlineData(Placement.Shank, "last rep: shank angle 70°")]
    [InlineData(Placement.Thigh, "last rep: thigh angle 70°")]
    public void RangeText_RepFromBeforeRomKind_NamedByTheSensorsPlacement(Placement placement, string expected)
    {
        var state = NewState();
        state.Apply(Session("s01", "p-a") with
        {
            Roster = [new RosterEntry("p-a", "sim-01", placement, Side.Left, "station-1")],
            Stations = [new StationPlan("station-1", ExerciseIds.Squat, 10)],
        });

        state.Apply(Rep("p-a", 1, 70) with { Exercise = ExerciseIds.Squat });

        Assert.Equal(expected, state.Tiles[0].RangeText);
    }

    [Fact]
    public void RangeText_NoRepAndNoTarget_Empty()
    {
        var state = NewState();
        state.Apply(Session("s01", "p-a") with { Stations = [new StationPlan("station-1", ExerciseIds.Squat, 10)] });

        Assert.Equal("", state.Tiles[0].RangeText);
    }

    [Fact]
    public void Changed_RaisedForEveryUpdate()
    {
        var state = NewState();
        var changes = 0;
        state.Changed += () => changes++;
        state.Apply(Session("s01", "p-a"));
        state.Apply(Rep("p-a", 1, 80));
        Assert.Equal(2, changes);
    }

    /// <summary>p-a wears a thigh + shank pair on the left leg (sim-01-thigh, sim-01); p-b one shank sensor (sim-02).</summary>
    private static SessionState PairSession() => new()
    {
        SessionId = "s01",
        Active = true,
        Time = T0,
        Roster =
        [
            new RosterEntry("p-a", "sim-01", Placement.Shank, Side.Left, "station-1"),
            new RosterEntry("p-a", "sim-01-thigh", Placement.Thigh, Side.Left, "station-1"),
            new RosterEntry("p-b", "sim-02", Placement.Shank, Side.Right, "station-1"),
        ],
        Stations = [new StationPlan("station-1", ExerciseIds.KneeExtension, 12, 90)],
    };

    private static SensorStatus Status(string sensor, bool connected, int battery) =>
        new() { Sensor = sensor, Gateway = "gw-1", Kind = "test", Connected = connected, Time = T0, BatteryPct = battery };

    [Fact]
    public void Apply_StatusNoRadioSlot_TileSaysSoInsteadOfLostUntilTheSensorLinks()
    {
        var state = NewState();
        state.Apply(Session("s01", "p-a"));

        state.Apply(Status("sim-01", connected: false, battery: 80) with { NoRadioSlot = true });
        var tile = Assert.Single(state.Tiles);
        Assert.True(tile.NoRadioSlot);
        Assert.Equal("○ no radio slot", Assert.Single(tile.Sensors).LinkText);
        Assert.Equal([TileAlert.SensorLost], state.Alerts(tile));

        state.Apply(Status("sim-01", connected: true, battery: 80) with { Adapter = "hci1" });
        tile = Assert.Single(state.Tiles);
        Assert.False(tile.NoRadioSlot);
        Assert.Equal("● linked", Assert.Single(tile.Sensors).LinkText);
        Assert.Empty(state.Alerts(tile));
    }

    [Fact]
    public void Apply_NoRadioSlotStatusBeforeTheSession_TileShowsItWhenTheRosterArrives()
    {
        var state = NewState();
        state.Apply(Status("sim-01", connected: false, battery: 80) with { NoRadioSlot = true });

        state.Apply(Session("s01", "p-a"));

        Assert.Equal("○ no radio slot", Assert.Single(Assert.Single(state.Tiles).Sensors).LinkText);
    }

    [Fact]
    public void Apply_SessionWithPair_OneTilePerParticipantShowingBothSensors()
    {
        var state = NewState();
        state.Apply(Status("sim-01-thigh", connected: true, battery: 64));
        state.Apply(PairSession());
        state.Apply(Status("sim-01", connected: true, battery: 81));

        Assert.Equal(["p-a", "p-b"], state.Tiles.Select(t => t.Participant));
        var pair = state.Tiles[0];
        Assert.Equal(("sim-01", "thigh + shank", Side.Left), (pair.Sensor, pair.Placements, pair.Side!.Value));
        Assert.Equal([new TileSensor("sim-01-thigh", Placement.Thigh, true, 64), new TileSensor("sim-01", Placement.Shank, true, 81)], pair.Sensors);
        Assert.Equal((true, 64), (pair.SensorConnected!.Value, pair.BatteryPct!.Value));
        Assert.Equal("shank", state.Tiles[1].Placements);
        Assert.Null(state.Tiles[1].SensorConnected);
    }

    [Fact]
    public void Alerts_PairThighLost_SensorLostUntilItIsBack()
    {
        var state = NewState();
        state.Apply(PairSession());
        state.Apply(Status("sim-01", connected: true, battery: 80));
        state.Apply(Status("sim-01-thigh", connected: true, battery: 80));
        Assert.Empty(state.Alerts(state.Tiles[0]));

        state.Apply(Status("sim-01-thigh", connected: false, battery: 80));
        Assert.Equal([TileAlert.SensorLost], state.Alerts(state.Tiles[0]));
        Assert.Empty(state.Alerts(state.Tiles[1]));

        state.Apply(Status("sim-01-thigh", connected: true, battery: 12));
        Assert.Equal([TileAlert.LowBattery], state.Alerts(state.Tiles[0]));
    }

    [Fact]
    public void Apply_RepsFromPair_CountOncePerRepOnTheOneTile()
    {
        var state = NewState();
        state.Apply(PairSession());
        foreach (var number in new[] { 1, 2, 3 })
        {
            state.Apply(Rep("p-a", number, 70) with { Sensor = "sim-01", PairedSensor = "sim-01-thigh" });
        }

        var tile = state.Tiles.Single(t => t.Participant == "p-a");
        Assert.Equal((3, 70.0, "sim-01", 2), (tile.RepsInSet, tile.LastRomDeg!.Value, tile.Sensor, tile.Sensors.Count));
        Assert.Equal(2, state.Tiles.Count);
    }
}
