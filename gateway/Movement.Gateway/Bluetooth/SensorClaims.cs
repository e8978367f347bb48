using Movement.Protocol;

namespace Movement.Gateway.Bluetooth;

/// <summary>
/// Which gateway holds each sensor's radio link, as this gateway has heard it (docs/mqtt.md, "Sensor claims").
/// Every gateway keeps the live claims per sensor: a claim lives until its holder releases it, until
/// <see cref="SensorClaim.TtlS"/> after this gateway last heard it (refreshes keep it alive), or until its holder's
/// availability turns offline (the broker publishes its last will). Of several live claims the earliest
/// <see cref="SensorClaim.Since"/> holds, then the lower gateway id: every gateway that heard the same claims picks
/// the same holder, and the others yield. Expiry is measured on the receiver's clock, so clocks need not agree.
/// Thread-safe; no I/O (the caller publishes what <see cref="Claim"/>, <see cref="Release"/> and
/// <see cref="Refreshes"/> return).
/// </summary>
public sealed class SensorClaims
{
    private readonly object _lock = new();
    private readonly Dictionary<string, Dictionary<string, Heard>> _claims = new(StringComparer.Ordinal);
    private readonly HashSet<string> _offline = new(StringComparer.Ordinal);
    private readonly HashSet<string> _mine = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly long _created;
    private long? _listeningSince;

    public SensorClaims(string gatewayId, TimeSpan ttl, TimeSpan listen, TimeProvider time)
    {
        GatewayId = gatewayId;
        Ttl = ttl;
        Listen = listen;
        _time = time;
        _created = time.GetTimestamp();
    }

    public string GatewayId { get; }

    public TimeSpan Ttl { get; }

    /// <summary>How long to listen after connecting to the broker before claiming, so every holder's refresh was heard.</summary>
    public TimeSpan Listen { get; }

    /// <summary>Raised after any change that may let a waiting sensor proceed (a claim heard, released or lapsed by availability).</summary>
    public event Action? Changed;

    /// <summary>
    /// True once this gateway has listened for <see cref="Listen"/> since it connected to the broker; also after
    /// <see cref="Ttl"/> without any broker, when every claim it could have heard has lapsed anyway (a lone gateway
    /// whose broker is down still streams into its disk queue).
    /// </summary>
    public bool Ready
    {
        get
        {
            lock (_lock)
            {
                return _listeningSince is { } since ? _time.GetElapsedTime(since) >= Listen : _time.GetElapsedTime(_created) >= Ttl;
            }
        }
    }

    /// <summary>The broker connection is up and subscribed: retained claims arrive from now.</summary>
    public void MarkListening()
    {
        lock (_lock)
        {
            _listeningSince ??= _time.GetTimestamp();
        }

        Changed?.Invoke();
    }

    /// <summary>A claim message from the broker (this gateway's own ones come back too).</summary>
    public void Apply(SensorClaim claim)
    {
        lock (_lock)
        {
            if (claim.Gateway == GatewayId)
            {
                // Our own claim as the broker has it: what we decided locally already counts.
                return;
            }

            var heard = HeardOf(claim.Sensor);
            if (claim.Released)
            {
                heard.Remove(claim.Gateway);
            }
            else
            {
                heard[claim.Gateway] = new Heard(claim.Since, _time.GetTimestamp(), TimeSpan.FromSeconds(claim.TtlS));
            }
        }

        Changed?.Invoke();
    }

    /// <summary>A gateway's availability: offline (its last will, or a clean stop) drops its claims at once.</summary>
    public void ApplyAvailability(string gatewayId, bool online)
    {
        if (gatewayId == GatewayId)
        {
            return;
        }

        lock (_lock)
        {
            if (online)
            {
                _offline.Remove(gatewayId);
            }
            else
            {
                _offline.Add(gatewayId);
                foreach (var heard in _claims.Values)
                {
                    heard.Remove(gatewayId);
                }
            }
        }

        Changed?.Invoke();
    }

    /// <summary>The gateway that holds <paramref name="sensor"/> now, or null when nobody does.</summary>
    public string? HolderOf(string sensor)
    {
        lock (_lock)
        {
            if (!_claims.TryGetValue(sensor, out var heard))
            {
                return null;
            }

            string? holder = null;
            Heard? best = null;
            foreach (var (gateway, claim) in heard)
            {
                var live = gateway == GatewayId || (_time.GetElapsedTime(claim.SeenTimestamp) < claim.Ttl && !_offline.Contains(gateway));
                if (live && (best is null || claim.Since < best.Since || (claim.Since == best.Since && string.CompareOrdinal(gateway, holder) < 0)))
                {
                    (holder, best) = (gateway, claim);
                }
            }

            return holder;
        }
    }

    /// <summary>True when another gateway holds <paramref name="sensor"/>: leave it alone.</summary>
    public bool HeldByOther(string sensor) => HolderOf(sensor) is { } holder && holder != GatewayId;

    /// <summary>Claims <paramref name="sensor"/> (or renews this gateway's claim); publish the result retained.</summary>
    public SensorClaim Claim(string sensor)
    {
        lock (_lock)
        {
            var heard = HeardOf(sensor);
            var now = _time.GetUtcNow();
            var since = heard.TryGetValue(GatewayId, out var own) ? own.Since : now;
            heard[GatewayId] = new Heard(since, _time.GetTimestamp(), Ttl);
            _mine.Add(sensor);
            return Message(sensor, since, now, released: false);
        }
    }

    /// <summary>Lets <paramref name="sensor"/> go; null when this gateway did not claim it.</summary>
    public SensorClaim? Release(string sensor)
    {
        lock (_lock)
        {
            if (!_mine.Remove(sensor))
            {
                return null;
            }

            _claims[sensor].Remove(GatewayId, out var own);
            return Message(sensor, own!.Since, _time.GetUtcNow(), released: true);
        }
    }

    /// <summary>Renewals of every claim this gateway holds, to publish every refresh interval.</summary>
    public IReadOnlyList<SensorClaim> Refreshes()
    {
        lock (_lock)
        {
            return [.. _mine.Order(StringComparer.Ordinal).Select(Claim)];
        }
    }

    private Dictionary<string, Heard> HeardOf(string sensor) =>
        _claims.TryGetValue(sensor, out var heard) ? heard : _claims[sensor] = new Dictionary<string, Heard>(StringComparer.Ordinal);

    private SensorClaim Message(string sensor, DateTimeOffset since, DateTimeOffset now, bool released) =>
        new() { Sensor = sensor, Gateway = GatewayId, Since = since, Time = now, TtlS = Ttl.TotalSeconds, Released = released };

    private sealed record Heard(DateTimeOffset Since, long SeenTimestamp, TimeSpan Ttl);
}
