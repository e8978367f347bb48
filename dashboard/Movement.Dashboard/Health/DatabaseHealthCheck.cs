using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Movement.Dashboard.Data;
using Movement.Store;

namespace Movement.Dashboard.Health;

/// <summary>Healthy when the dashboard's database answers and the activity store answers a (small) read.</summary>
public sealed class DatabaseHealthCheck(IDbContextFactory<DashboardDbContext> dashboardDb, IActivityStore activityStore,
    IOptions<DashboardOptions> options, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var db = await dashboardDb.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        if (!await db.Database.CanConnectAsync(cancellationToken).ConfigureAwait(false))
        {
            return HealthCheckResult.Unhealthy("the dashboard database cannot be opened");
        }

        try
        {
            var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
            await activityStore.GetAttendanceAsync(options.Value.Site, today, today, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("the activity store does not answer", ex);
        }

        return HealthCheckResult.Healthy("dashboard database and activity store answer");
    }
}
