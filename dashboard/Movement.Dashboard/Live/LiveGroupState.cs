using Microsoft.Extensions.Options;
using Movement.Dashboard.Programme;
using Movement.Protocol;

namespace Movement.Dashboard.Live;

/// <summary>
/// One sensor a participant wears, and its link as the gateway last reported it. <paramref name="NoRadioSlot"/>: the
/// gateway sees it but every adapter's link limit is reached, so it is not streaming (docs/operations.md).
/// </summary>
public sealed record TileSensor(string Sensor, Placement Placement, bool? Connected = null, int? BatteryPct = null, bool NoRadioSlot = false)
{
    /// <summary>The link as a tile shows it: linked, lost, waiting for a radio slot, or not known yet.</summary>
    public string LinkText => Connected switch { true => "● linked", false when NoRadioSlot => "○ no radio slot", false => "○ lost", null => "?" };
}

/// <summary>
/// What the supervisor's grid shows for one participant (pseudonymous id; names come from the programme): one tile
/// per participant, whether they wear one sensor or a thigh + shank pair.
/// </summary>
public sealed record ParticipantTile
{
    public required string Participant { get; init; }

    /// <summary>The sensor their events name: the only one, or a pair's shank (events carry the thigh as paired_sensor).</summary>
    public string? Sensor { get; init; }

    /// <summary>The sensors on the roster, thigh before shank; empty until a session lists the participant.</summary>
    public IReadOnlyList<TileSensor> Sensors { get; init; } = [];

    public string? Station { get; init; }
    public Side? Side { get; init; }
    public string Exercise { get; init; } = ExerciseIds.Unknown;
    public int RepsInSet { get; init; }

    /// <summary>Reps of the set in progress the classifier was unsure of (confidence below <see cref="RepEvent.UncertainBelow"/>).</summary>
    public int UncertainRepsInSet { get; init; }

    /// <summary>The recogniser's note on the last rep when it disagrees with the planned exercise, e.g. straight_leg_raise.</summary>
    public string? LooksLike { get; init; }
    public int? TargetReps { get; init; }

    /// <summary>The target range the last rep was judged against (before any rep, the station's).</summary>
    public double? TargetRomDeg { get; init; }

    /// <summary>The station's target range and what it is an angle of (null: the station sets none).</summary>
    public RangeTarget? StationTarget { get; init; }

    public double? LastRomDeg { get; init; }

    /// <summary>What <see cref="LastRomDeg"/> is an angle of: the knee (a pair) or the sensor's own segment; null when not known.</summary>
    public RomKind? LastRomKind { get; init; }
    public IReadOnlyList<FormFlag> LastFlags { get; init; } = [];

    /// <summary>Reps in a row that carried at least one form flag.</summary>
    public int FlaggedRepsInRow { get; init; }

    public DateTimeOffset? LastRepTime { get; init; }

    /// <summary>False when any of the participant's sensors is lost, true when all are linked, else not known yet.</summary>
    public bool? SensorConnected =>
        Sensors.Any(s => s.Connected == false) ? false : Sensors.Count > 0 && Sensors.All(s => s.Connected == true) ? true : null;

    /// <summary>A sensor of the participant is in sight of a gateway that has no free link for it.</summary>
    public bool NoRadioSlot => Sensors.Any(s => s.Connected == false && s.NoRadioSlot);

    /// <summary>The lowest battery of the participant's sensors (the first to run out).</summary>
    public int? BatteryPct => Sensors.Min(s => s.BatteryPct);

    /// <summary>
    /// The range line, naming what was measured: "last rep: knee angle 64° (target 72°)", "last rep: thigh angle 41°";
    /// a station target of another angle is named, not compared ("(72° target is a knee angle)"); before any rep,
    /// "target: knee angle 72°".
    /// </summary>
    public string RangeText
    {
        get
        {
            if (LastRomDeg is not { } rom)
            {
                return StationTarget is { } planned ? $"target: {RomKinds.Label(planned.Kind)} {planned.Deg:F0}°" : "";
            }

            var measured = LastRomKind is { } kind ? $"last rep: {RomKinds.Label(kind)} {rom:F0}°" : $"last rep {rom:F0}°";
            return TargetRomDeg is { } target ? $"{measured} (target {target:F0}°)"
                : StationTarget is { } other && other.Kind != LastRomKind ? $"{measured} ({other.Deg:F0}° target is a {RomKinds.Label(other.Kind)})"
                : measured;
        }
    }

    /// <summary>Where the sensors are worn, e.g. "shank" or "thigh + shank".</summary>
    public string Placements => string.Join(" + ", Sensors.Select(s => s.Placement.ToString().ToLowerInvariant()));
}

public enum TileAlert
{
    SensorLost,
    LowBattery,
    RepeatedPoorForm,
}

/// <summary>
/// The live picture of the group, fed from the broker and read by every open supervisor page.
/// Pages subscribe to <see cref="Changed"/> and re-render through their Blazor circuit; nothing polls.
/// </summary>
public sealed class LiveGroupState(IOptions<DashboardOptions> options)
{
    public const int LowBatteryPct = 15;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ParticipantTile> _tiles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SensorStatus> _sensors = new(StringComparer.Ordinal);

    // Every alert each participant's tile has shown in the current session (for the session report), kept in memory only.
    private readonly Dictionary<string, HashSet<TileAlert>> _raised = new(StringComparer.Ordinal);

    // Alerts a supervisor has acknowledged on the tile, while they last: one that clears and comes back alerts again.
    private readonly Dictionary<string, HashSet<TileAlert>> _acknowledged = new(StringComparer.Ordinal);
    private readonly int _poorFormReps = options.Value.PoorFormAlertReps;
    private SessionState? _session;

    public event Action? Changed;

    public SessionState? Session
    {
        get
        {
            lock (_lock)
            {
                return _session;
            }
        }
    }

    public IReadOnlyList<ParticipantTile> Tiles
    {
        get
        {
            lock (_lock)
            {
                return _tiles.Values.OrderBy(t => t.Sensor ?? "~", NaturalOrder.Names).ThenBy(t => t.Participant, StringComparer.Ordinal).ToArray();
            }
        }
    }

    /// <summary>The alerts a participant's tile has shown at any time in the current session, in enum order.</summary>
    public IReadOnlyList<TileAlert> AlertsRaised(string participant)
    {
        lock (_lock)
        {
            return _raised.TryGetValue(participant, out var raised) ? raised.Order().ToArray() : [];
        }
    }

    /// <summary>The tile's alerts no supervisor has acknowledged yet: these get the strong visual state and the sound.</summary>
    public IReadOnlyList<TileAlert> Unacknowledged(ParticipantTile tile)
    {
        lock (_lock)
        {
            var alerts = Alerts(tile);
            return _acknowledged.TryGetValue(tile.Participant, out var acknowledged) ? alerts.Where(a => !acknowledged.Contains(a)).ToArray() : alerts;
        }
    }

    /// <summary>A supervisor has seen the participant's current alerts (for every open page): the tile calms down until a new one.</summary>
    public void Acknowledge(string participant)
    {
        lock (_lock)
        {
            if (_tiles.TryGetValue(participant, out var tile))
            {
                (_acknowledged.TryGetValue(participant, out var acknowledged) ? acknowledged : _acknowledged[participant] = []).UnionWith(Alerts(tile));
            }
        }

        Changed?.Invoke();
    }

    /// <summary>Sets a participant's tile and notes the alerts it now shows; cleared alerts lose their acknowledgement (call under the lock).</summary>
    private void Set(ParticipantTile tile)
    {
        _tiles[tile.Participant] = tile;
        var alerts = Alerts(tile);
        if (alerts.Count > 0)
        {
            (_raised.TryGetValue(tile.Participant, out var raised) ? raised : _raised[tile.Participant] = []).UnionWith(alerts);
        }

        if (_acknowledged.TryGetValue(tile.Participant, out var acknowledged))
        {
            acknowledged.IntersectWith(alerts);
        }
    }

    public IReadOnlyList<TileAlert> Alerts(ParticipantTile tile)
    {
        var alerts = new List<TileAlert>();
        if (tile.SensorConnected == false)
        {
            alerts.Add(TileAlert.SensorLost);
        }

        if (tile.BatteryPct is < LowBatteryPct)
        {
            alerts.Add(TileAlert.LowBattery);
        }

        if (tile.FlaggedRepsInRow >= _poorFormReps)
        {
            alerts.Add(TileAlert.RepeatedPoorForm);
        }

        return alerts;
    }

    /// <summary>A new session replaces the grid with its roster; the same session again only refreshes plans.</summary>
    public void Apply(SessionState session)
    {
        lock (_lock)
        {
            if (_session?.SessionId != session.SessionId)
            {
                _tiles.Clear();
                _raised.Clear();
                _acknowledged.Clear();
            }

            _session = session;
            foreach (var worn in session.Roster.GroupBy(e => e.Participant, StringComparer.Ordinal))
            {
                // A pair's events name the shank; the thigh comes first in "thigh + shank" (top of the leg down).
                var entries = worn.OrderBy(e => e.Placement == Placement.Thigh ? 0 : 1).ThenBy(e => e.Sensor, StringComparer.Ordinal).ToArray();
                var named = entries.FirstOrDefault(e => e.Placement == Placement.Shank && entries.Length > 1) ?? entries[0];
                var station = session.Stations.FirstOrDefault(s => s.Station == named.Station);
                var tile = _tiles.GetValueOrDefault(worn.Key) ?? new ParticipantTile { Participant = worn.Key };
                Set(tile with
                {
                    Sensor = named.Sensor,
                    Sensors = entries.Select(e => _sensors.GetValueOrDefault(e.Sensor) is { } status
                        ? new TileSensor(e.Sensor, e.Placement, status.Connected, status.BatteryPct, status.NoRadioSlot == true)
                        : tile.Sensors.FirstOrDefault(s => s.Sensor == e.Sensor) ?? new TileSensor(e.Sensor, e.Placement)).ToArray(),
                    Station = named.Station,
                    Side = named.Side,
                    Exercise = tile.LastRepTime is null ? station?.Exercise ?? tile.Exercise : tile.Exercise,
                    TargetReps = station?.TargetReps ?? tile.TargetReps,
                    TargetRomDeg = station?.TargetRomDeg ?? tile.TargetRomDeg,
                    StationTarget = station is null ? tile.StationTarget : station.RangeTarget(),
                });
            }
        }

        Changed?.Invoke();
    }

    public void Apply(SensorStatus status)
    {
        lock (_lock)
        {
            _sensors[status.Sensor] = status;
            foreach (var tile in _tiles.Values.Where(t => t.Sensors.Any(s => s.Sensor == status.Sensor)).ToArray())
            {
                Set(tile with
                {
                    Sensors = tile.Sensors.Select(s => s.Sensor == status.Sensor ? s with { Connected = status.Connected, BatteryPct = status.BatteryPct, NoRadioSlot = status.NoRadioSlot == true } : s).ToArray(),
                });
            }
        }

        Changed?.Invoke();
    }

    /// <summary>
    /// What a rep's range is an angle of: as the event says, or for an event from before it said, its sensor's segment
    /// as the roster places it (a pair's rep is completed as the knee when it is decoded).
    /// </summary>
    private static RomKind? MeasuredBy(ParticipantTile tile, RepEvent rep) =>
        rep.RomKind ?? (tile.Sensors.FirstOrDefault(s => s.Sensor == rep.Sensor) is { } worn ? RomKinds.OfSegment(worn.Placement) : null);

    /// <summary>The target of the station a tile is at now (the last known one when the plan does not list it).</summary>
    private RangeTarget? TargetAt(ParticipantTile tile, string? station) =>
        _session?.Stations.FirstOrDefault(s => s.Station == station) is { } plan ? plan.RangeTarget() : tile.StationTarget;

    /// <summary>Where a timed circuit has the participant at a time (their last station while they walk to the next).</summary>
    private string? StationAt(ParticipantTile tile, DateTimeOffset time) =>
        _session is { } session && session.Roster.FirstOrDefault(r => r.Participant == tile.Participant) is { } entry
            ? session.StationAt(entry, time)?.Station ?? tile.Station
            : tile.Station;

    public void Apply(MovementEvent movementEvent)
    {
        lock (_lock)
        {
            if (_session is { } session && movementEvent.Session is { } eventSession && eventSession != session.SessionId)
            {
                return; // a late event from an earlier session
            }

            var tile = _tiles.GetValueOrDefault(movementEvent.Participant) ?? new ParticipantTile { Participant = movementEvent.Participant };
            var station = movementEvent switch
            {
                RepEvent rep => StationAt(tile, rep.StartTime),
                ExerciseChangeEvent change => StationAt(tile, change.Time),
                _ => tile.Station,
            };
            Set(movementEvent switch
            {
                RepEvent rep => tile with
                {
                    Sensor = tile.Sensors.Count > 0 ? tile.Sensor : rep.Sensor,
                    Exercise = rep.Exercise,
                    RepsInSet = rep.RepNumber,
                    UncertainRepsInSet = (rep.RepNumber == 1 ? 0 : tile.UncertainRepsInSet) + (rep.Confidence < RepEvent.UncertainBelow ? 1 : 0),
                    LooksLike = rep.LooksLike,
                    TargetReps = rep.TargetReps ?? tile.TargetReps,
                    // The range this rep was judged against: none when its station sets none (or it was another exercise).
                    TargetRomDeg = rep.TargetRomDeg,
                    Station = station,
                    StationTarget = TargetAt(tile, station),
                    LastRomDeg = rep.RomDeg,
                    LastRomKind = MeasuredBy(tile, rep),
                    LastFlags = rep.Flags,
                    FlaggedRepsInRow = rep.Flags.Count > 0 ? tile.FlaggedRepsInRow + 1 : 0,
                    LastRepTime = rep.Time,
                },
                FormFlagEvent flag when tile.LastFlags.All(f => f.Flag != flag.Flag.Flag) => tile with { LastFlags = [.. tile.LastFlags, flag.Flag] },
                ExerciseChangeEvent change => tile with { Exercise = change.To, RepsInSet = 0, UncertainRepsInSet = 0, LooksLike = null, Station = station, StationTarget = TargetAt(tile, station) },
                _ => tile,
            });
        }

        Changed?.Invoke();
    }
}
