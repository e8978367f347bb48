namespace Movement.Messaging;

/// <summary>Every broker connection the host's components made through <c>CreateMqttConnection</c>, for health reports.</summary>
public sealed class MqttConnectionRegistry
{
    private readonly Lock _lock = new();
    private readonly List<MqttConnection> _connections = [];

    public IReadOnlyList<MqttConnection> Connections
    {
        get
        {
            lock (_lock)
            {
                return [.. _connections];
            }
        }
    }

    internal void Add(MqttConnection connection)
    {
        lock (_lock)
        {
            _connections.Add(connection);
        }
    }
}
