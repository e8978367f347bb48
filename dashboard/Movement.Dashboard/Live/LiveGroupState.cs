using Movement.Protocol;

namespace Movement.Dashboard.Live;

/// <summary>What the supervisor's grid shows for one participant.</summary>
public sealed record ParticipantTile
{
    public required string Participant { get; init; }
    public string? Sensor { get; init; }
    public string Exercise { get; init; } = ExerciseIds.Unknown;
    public int RepsInSet { get; init; }
    public int? TargetReps { get; init; }
    public double? LastRomDeg { get; init; }
    public IReadOnlyList<FormFlag> LastFlags { get; init; } = [];
    public bool? SensorConnected { get; init; }
    public int? BatteryPct { get; init; }
    public DateTimeOffset? LastRepTime { get; init; }
}

/// <summary>
/// The live picture of the group, fed from the broker and read by every open supervisor page.
/// Pages subscribe to <see cref="Changed"/> and re-render; nothing polls.
/// </summary>
public sealed class LiveGroupState
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ParticipantTile> _tiles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SensorStatus> _sensors = new(StringComparer.Ordinal);
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
                return _tiles.Values.OrderBy(t => t.Participant, StringComparer.Ordinal).ToArray();
            }
        }
    }

    public void Apply(SessionState session)
    {
        lock (_lock)
        {
            _session = session;
            foreach (var entry in session.Roster)
            {
                var station = session.Stations.FirstOrDefault(s => s.Station == entry.Station);
                var tile = _tiles.GetValueOrDefault(entry.Participant) ?? new ParticipantTile { Participant = entry.Participant };
                var status = _sensors.GetValueOrDefault(entry.Sensor);
                _tiles[entry.Participant] = tile with
                {
                    Sensor = entry.Sensor,
                    Exercise = station?.Exercise ?? tile.Exercise,
                    TargetReps = station?.TargetReps ?? tile.TargetReps,
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
            var tile = _tiles.GetValueOrDefault(movementEvent.Participant) ?? new ParticipantTile { Participant = movementEvent.Participant };
            _tiles[movementEvent.Participant] = movementEvent switch
            {
                RepEvent rep => tile with
                {
                    Sensor = rep.Sensor,
                    Exercise = rep.Exercise,
                    RepsInSet = rep.RepNumber,
                    TargetReps = rep.TargetReps ?? tile.TargetReps,
                    LastRomDeg = rep.RomDeg,
                    LastFlags = rep.Flags,
                    LastRepTime = rep.Time,
                },
                ExerciseChangeEvent change => tile with { Exercise = change.To, RepsInSet = 0 },
                _ => tile,
            };
        }

        Changed?.Invoke();
    }
}
