namespace Movement.Gateway.Sensors.Drivers;

/// <summary>A GATT write of a start or configuration sequence.</summary>
/// <param name="WithResponse">BlueZ write type "request" (acknowledged) rather than "command".</param>
public sealed record GattWrite(Guid Service, Guid Characteristic, byte[] Value, bool WithResponse = true);

/// <summary>A characteristic the driver needs notifications (or indications) from.</summary>
public sealed record GattSubscription(Guid Service, Guid Characteristic);

/// <summary>
/// What one sensor family needs from a connection and how its bytes become samples. The same driver serves
/// real sensors (BlueZ) and simulated ones, so both go through the same decoders.
/// </summary>
public interface ISensorDriver
{
    string KindName { get; }

    /// <summary>Enabled in this order, all before the first write (Polar answers only then).</summary>
    IReadOnlyList<GattSubscription> Subscriptions { get; }

    /// <summary>Written after notifications are on; re-run after every reconnect.</summary>
    IReadOnlyList<GattWrite> StartSequence { get; }

    /// <summary>Forget per-connection state (e.g. stream timestamps) before a new connection starts.</summary>
    void Reset();

    /// <summary>Decodes one notification into <paramref name="channel"/>. Must not throw: bad frames are rejected with a reason.</summary>
    void OnNotification(Guid characteristic, ReadOnlySpan<byte> value, long receivedUs, SensorChannel channel);
}
