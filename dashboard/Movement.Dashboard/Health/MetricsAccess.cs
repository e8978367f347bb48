using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Movement.Dashboard.Health;

/// <summary>
/// Who may read <c>/metrics</c> (counts of messages, reps, failures: no personal data, but nothing a visitor needs):
/// with no <see cref="MonitoringOptions.MetricsToken"/>, only a scraper on this machine talking to Kestrel directly;
/// with one, only a request that presents it as a bearer token.
/// </summary>
public static class MetricsAccess
{
    /// <summary>The middleware of the <c>/metrics</c> branch: refuses with 401 or 403, else passes on to the exporter.</summary>
    public static Task GuardAsync(HttpContext context, RequestDelegate next)
    {
        var token = context.RequestServices.GetRequiredService<IOptions<MonitoringOptions>>().Value.MetricsToken;
        var status = Decide(context, token);
        if (status != StatusCodes.Status200OK)
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        return next(context);
    }

    /// <summary>200 when the request may read the metrics, else 401 (token missing or wrong) or 403 (not from this machine).</summary>
    public static int Decide(HttpContext context, string? token)
    {
        if (token is not null)
        {
            var presented = context.Request.Headers.Authorization.ToString();
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes($"Bearer {token}"))
                ? StatusCodes.Status200OK
                : StatusCodes.Status401Unauthorized;
        }

        // A local reverse proxy connects from loopback on behalf of anyone: a relayed request is not "this machine".
        var direct = !context.Request.Headers.ContainsKey("X-Forwarded-For");
        return direct && context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address)
            ? StatusCodes.Status200OK
            : StatusCodes.Status403Forbidden;
    }
}
