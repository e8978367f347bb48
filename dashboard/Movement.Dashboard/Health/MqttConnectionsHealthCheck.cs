using Microsoft.Extensions.Diagnostics.HealthChecks;
using Movement.Messaging;

namespace Movement.Dashboard.Health;

/// <summary>Healthy when every broker connection of the hosted components (gateway, classifier, recorder, dashboard) is up.</summary>
public sealed class MqttConnectionsHealthCheck(MqttConnectionRegistry registry) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var connections = registry.Connections;
        var data = connections.ToDictionary(c => c.ClientId, c => (object)(c.IsConnected ? "connected" : "disconnected"));
        var down = connections.Where(c => !c.IsConnected).Select(c => c.ClientId).ToList();
        if (connections.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("no broker connection has been made yet"));
        }

        return Task.FromResult(down.Count == 0
            ? HealthCheckResult.Healthy($"{connections.Count} connected", data)
            : HealthCheckResult.Unhealthy($"not connected to the broker: {string.Join(", ", down)}", data: data));
    }
}
