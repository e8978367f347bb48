using Microsoft.Extensions.Options;
using Movement.Protocol;

namespace Movement.Dashboard.Live;

/// <summary>What the supervisor's grid shows for one participant (pseudonymous id; names come from the programme).</summary>
public sealed record ParticipantTile
{
    public required string Participant { get; init; }
    public string? Sensor { get; init; }
    public string? Station { get; init; }
    public Side? Side { get; init; }
    public string Exercise { get; init; } = ExerciseIds.Unknown;
    public int RepsInSet { get; init; }
    public int? TargetReps { get; init; }
    public double? TargetRomDeg { get; init; }
    public double? LastRomDeg { get; init; }
    public IReadOnlyList<FormFlag> LastFlags { get; init; } = [];

    /// <summary>Reps in a row that carried at least one form flag.</summary>
    public int FlaggedRepsInRow { get; init; }

    public bool? SensorConnected { get; init; }
    public int? BatteryPct { get; init; }
    public DateTimeOffset? LastRepTime { get; init; }
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
                return _tiles.Values.OrderBy(t => t.Sensor ?? "~", StringComparer.Ordinal).ThenBy(t => t.Participant, StringComparer.Ordinal).ToArray();
            }
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
            }

            _session = session;
            foreach (var entry in session.Roster)
            {
                var station = session.Stations.FirstOrDefault(s => s.Station == entry.Station);
                var tile = _tiles.GetValueOrDefault(entry.Participant) ?? new ParticipantTile { Participant = entry.Participant };
                var status = _sensors.GetValueOrDefault(entry.Sensor);
                _tiles[entry.Participant] = tile with
                {
                    Sensor = entry.Sensor,
                    Station = entry.Station,
                    Side = entry.Side,
                    Exercise = tile.LastRepTime is null ? station?.Exercise ?? tile.Exercise : tile.Exercise,
                    TargetReps = station?.TargetReps ?? tile.TargetReps,
                    TargetRomDeg = station?.TargetRomDeg ?? tile.TargetRomDeg,
                    SensorConnected = status?.Connected ?? tile.SensorConnected,
                    BatteryPct = status?.BatteryPct ?? tile.BatteryPct,
                };
            }
        }

        Changed?.Invoke();
    }

    public void Apply(SensorStatus status)
    {
        lock (_lock)
        {
            _sensors[status.Sensor] = status;
            foreach (var tile in _tiles.Values.Where(t => t.Sensor == status.Sensor).ToArray())
            {
                _tiles[tile.Participant] = tile with { SensorConnected = status.Connected, BatteryPct = status.BatteryPct };
            }
        }

        Changed?.Invoke();
    }

    public void Apply(MovementEvent movementEvent)
    {
        lock (_lock)
        {
            if (_session is { } session && movementEvent.Session is { } eventSession && eventSession != session.SessionId)
            {
                return; // a late event from an earlier session
            }

            var tile = _tiles.GetValueOrDefault(movementEvent.Participant) ?? new ParticipantTile { Participant = movementEvent.Participant };
            _tiles[movementEvent.Participant] = movementEvent switch
            {
                RepEvent rep => tile with
                {
                    Sensor = rep.Sensor,
                    Exercise = rep.Exercise,
                    RepsInSet = rep.RepNumber,
                    TargetReps = rep.TargetReps ?? tile.TargetReps,
                    TargetRomDeg = rep.TargetRomDeg ?? tile.TargetRomDeg,
                    LastRomDeg = rep.RomDeg,
                    LastFlags = rep.Flags,
                    FlaggedRepsInRow = rep.Flags.Count > 0 ? tile.FlaggedRepsInRow + 1 : 0,
                    LastRepTime = rep.Time,
                },
                FormFlagEvent flag when tile.LastFlags.All(f => f.Flag != flag.Flag.Flag) => tile with { LastFlags = [.. tile.LastFlags, flag.Flag] },
                ExerciseChangeEvent change => tile with { Exercise = change.To, RepsInSet = 0 },
                _ => tile,
            };
        }

        Changed?.Invoke();
    }
}
