namespace Movement.Gateway.Bluetooth;

/// <summary>
/// Link slots of the gateway's adapters: each holds at most <c>LinksPerAdapter</c> connections. A sensor gets the
/// least-loaded adapter that can see it (ties: the order of the configured adapters). A sensor that fits nowhere
/// waits in line; a freed slot goes to the first waiting sensor that can see that adapter (it is reserved for it, so
/// the sensor that just dropped its link cannot take it back first). Thread-safe; no I/O.
/// </summary>
public sealed class RadioSlots
{
    private readonly object _lock = new();
    private readonly IReadOnlyList<string> _adapters;
    private readonly int _linksPerAdapter;
    private readonly Dictionary<string, string> _held = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _reserved = new(StringComparer.Ordinal);
    private readonly List<(string Sensor, HashSet<string> VisibleOn)> _waiting = [];

    public RadioSlots(IReadOnlyList<string> adapters, int linksPerAdapter)
    {
        ArgumentOutOfRangeException.ThrowIfZero(adapters.Count);
        ArgumentOutOfRangeException.ThrowIfLessThan(linksPerAdapter, 1);
        _adapters = adapters;
        _linksPerAdapter = linksPerAdapter;
    }

    public IReadOnlyList<string> Adapters => _adapters;

    /// <summary>Sensors waiting for a slot, first in line first.</summary>
    public IReadOnlyList<string> Waiting
    {
        get
        {
            lock (_lock)
            {
                return [.. _waiting.Select(w => w.Sensor)];
            }
        }
    }

    /// <summary>Links held on <paramref name="adapter"/>, counting a slot reserved for a waiting sensor.</summary>
    public int Load(string adapter)
    {
        lock (_lock)
        {
            return LoadLocked(adapter);
        }
    }

    /// <summary>
    /// A slot for <paramref name="sensor"/> on one of <paramref name="visibleOn"/> (the adapters that see it). A sensor
    /// already holding a slot keeps it. Returns false and puts the sensor in line when every such adapter is full.
    /// </summary>
    public bool TryAcquire(string sensor, IReadOnlyCollection<string> visibleOn, out string adapter)
    {
        lock (_lock)
        {
            if (_held.TryGetValue(sensor, out adapter!) && visibleOn.Contains(adapter))
            {
                return true;
            }

            if (_held.Remove(sensor, out var stale))
            {
                HandOnLocked(stale);
            }

            if (_reserved.Remove(sensor, out var reserved))
            {
                if (visibleOn.Contains(reserved))
                {
                    _waiting.RemoveAll(w => w.Sensor == sensor);
                    _held[sensor] = adapter = reserved;
                    return true;
                }

                HandOnLocked(reserved);
            }

            // Sensors ahead in line come first: a free slot is taken only if no earlier waiter can use it.
            var position = _waiting.FindIndex(w => w.Sensor == sensor);
            var ahead = position < 0 ? _waiting : _waiting.Take(position).ToList();
            string? best = null;
            foreach (var candidate in _adapters)
            {
                if (visibleOn.Contains(candidate) && LoadLocked(candidate) < _linksPerAdapter
                    && !ahead.Any(w => w.VisibleOn.Contains(candidate))
                    && (best is null || LoadLocked(candidate) < LoadLocked(best)))
                {
                    best = candidate;
                }
            }

            if (best is null)
            {
                var entry = (sensor, new HashSet<string>(visibleOn, StringComparer.Ordinal));
                if (position < 0)
                {
                    _waiting.Add(entry);
                }
                else
                {
                    _waiting[position] = entry;
                }

                adapter = "";
                return false;
            }

            if (position >= 0)
            {
                _waiting.RemoveAt(position);
            }

            _held[sensor] = adapter = best;
            return true;
        }
    }

    /// <summary>
    /// The sensor no longer needs a slot (its link dropped, another gateway holds it, or it went out of sight): its
    /// slot or reservation goes to the next waiting sensor that can see the adapter, and it leaves the line.
    /// </summary>
    /// <returns>The sensor the freed slot was reserved for, if any.</returns>
    public string? Release(string sensor)
    {
        lock (_lock)
        {
            _waiting.RemoveAll(w => w.Sensor == sensor);
            if (_held.Remove(sensor, out var adapter) || _reserved.Remove(sensor, out adapter))
            {
                return HandOnLocked(adapter);
            }

            return null;
        }
    }

    private string? HandOnLocked(string adapter)
    {
        var next = _waiting.FindIndex(w => w.VisibleOn.Contains(adapter));
        if (next < 0 || LoadLocked(adapter) >= _linksPerAdapter)
        {
            return null;
        }

        var sensor = _waiting[next].Sensor;
        _waiting.RemoveAt(next);
        _reserved[sensor] = adapter;
        return sensor;
    }

    private int LoadLocked(string adapter) =>
        _held.Values.Count(a => a == adapter) + _reserved.Values.Count(a => a == adapter);
}
