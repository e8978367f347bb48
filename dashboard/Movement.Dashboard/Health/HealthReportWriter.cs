using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Movement.Dashboard.Health;

/// <summary>
/// <c>/healthz</c> as JSON: the overall status and each check's status and description (no exception text: the
/// endpoint is anonymous; failures are in the log). 200 when healthy, 503 otherwise (ASP.NET Core's mapping).
/// </summary>
public static class HealthReportWriter
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                data = e.Value.Data,
            }),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, cancellationToken: context.RequestAborted);
    }
}
