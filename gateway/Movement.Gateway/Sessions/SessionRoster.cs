using Movement.Protocol;

namespace Movement.Gateway.Sessions;

/// <summary>
/// The running session as announced on the retained session topic: which sensors are worn and by whom.
/// The gateway config says what a sensor is; the session says who wears it today.
/// </summary>
public sealed class SessionRoster
{
    private volatile SessionState? _current;

    public event Action<SessionState>? Changed;

    public SessionState? Current => _current;

    public bool IsInActiveSession(string sensorId) =>
        _current is { Active: true } session && session.Roster.Any(r => r.Sensor == sensorId);

    public string? ParticipantFor(string sensorId) =>
        _current is { Active: true } session ? session.Roster.FirstOrDefault(r => r.Sensor == sensorId)?.Participant : null;

    /// <summary>Applies a session payload; returns false, with a reason, when it is not a valid session state.</summary>
    public bool TryApply(ReadOnlySpan<byte> payload, out string? error)
    {
        if (!ProtocolJson.TryDecodeSessionState(payload, out var state, out error))
        {
            return false;
        }

        _current = state;
        Changed?.Invoke(state!);
        return true;
    }
}
