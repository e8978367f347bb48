using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Movement.Classifier;

namespace Movement.Dashboard.Health;

/// <summary>
/// Degraded when a site with a running session has had no sample for longer than
/// <see cref="MonitoringOptions.MaxSampleAge"/> (every sensor, or the gateway, went quiet); the data give each running
/// site's sample age in seconds. Healthy, saying so, when the classifier runs in another process.
/// </summary>
public sealed class SampleAgeHealthCheck(IServiceProvider services, IOptions<MonitoringOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<SampleFlow>() is not { } flow)
        {
            return Task.FromResult(HealthCheckResult.Healthy("the classifier runs in another process"));
        }

        var running = flow.RunningSessions();
        var data = running.ToDictionary(s => s.Site, s => (object)Math.Round(s.SampleAge.TotalSeconds, 1));
        var stale = running.Where(s => s.SampleAge > options.Value.MaxSampleAge).Select(s => s.Site).ToList();
        return Task.FromResult(stale.Count > 0
            ? HealthCheckResult.Degraded($"no sample for over {options.Value.MaxSampleAge.TotalSeconds:0} s during a running session: {string.Join(", ", stale)}", data: data)
            : HealthCheckResult.Healthy(running.Count == 0 ? "no session running" : $"samples arriving for {running.Count} running session(s)", data));
    }
}
