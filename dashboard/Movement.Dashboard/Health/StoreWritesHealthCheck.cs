using Microsoft.Extensions.Diagnostics.HealthChecks;
using Movement.Store.Outbox;

namespace Movement.Dashboard.Health;

/// <summary>
/// Unhealthy while the recorder's writes to the activity store fail (the records wait in the outbox); healthy after
/// the store accepted the last write, or before any write. Healthy, saying so, when the recorder runs in another process.
/// </summary>
public sealed class StoreWritesHealthCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<OutboxDrainer>() is not { } drainer)
        {
            return Task.FromResult(HealthCheckResult.Healthy("the recorder runs in another process"));
        }

        return Task.FromResult(drainer.LastWrite switch
        {
            null => HealthCheckResult.Healthy("no store write yet"),
            { Succeeded: true } last => HealthCheckResult.Healthy("the store accepted the last write", Data(last)),
            var last => HealthCheckResult.Unhealthy(
                $"store writes failing since {last.FailingSince:O} ({last.ConsecutiveFailures} in a row); records wait in the outbox", data: Data(last)),
        });
    }

    private static Dictionary<string, object> Data(StoreWriteOutcome last) => new() { ["last_write"] = last.At.ToString("O") };
}
