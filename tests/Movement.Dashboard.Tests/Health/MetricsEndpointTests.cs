using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Movement.Dashboard.Health;
using Movement.TestSupport;

namespace Movement.Dashboard.Tests.Health;

/// <summary>/metrics of the whole single box over HTTP: the components' counters move as the simulated sensors' samples flow.</summary>
[Trait("Category", "Integration")]
public sealed partial class MetricsEndpointTests
{
    private const string Token = "metrics-token-for-tests-0123456789";

    [GeneratedRegex(@"^movement_gateway_samples_decoded_total(\{[^}]*\})? (?<value>[0-9.eE+]+)", RegexOptions.Multiline)]
    private static partial Regex SamplesDecoded();

    private static async Task<double?> SamplesDecodedAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var match = SamplesDecoded().Match(await response.Content.ReadAsStringAsync());
        return match.Success ? double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture) : null;
    }

    private static async Task<double> WaitAboveAsync(HttpClient http, double floor)
    {
        var value = 0.0;
        await Wait.UntilAsync(async () =>
        {
            value = await SamplesDecodedAsync(http) ?? 0;
            return value > floor;
        }, $"the decoded-samples counter rises above {floor}", TimeSpan.FromSeconds(60), interval: TimeSpan.FromMilliseconds(200));
        return value;
    }

    [Fact]
    public async Task Metrics_FromLoopbackWhileSamplesFlow_GatewayCounterRisesInPrometheusText()
    {
        await using var server = await DashboardServer.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };

        var first = await WaitAboveAsync(http, 0);
        var later = await WaitAboveAsync(http, first);

        Assert.True(later > first);
        using var response = await http.GetAsync("/metrics");
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE movement_gateway_samples_decoded_total counter", text, StringComparison.Ordinal);
        Assert.Contains("movement_mqtt_messages_received_total", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_TokenConfigured_OnlyWithTheBearerToken()
    {
        await using var server = await DashboardServer.StartAsync(new Dictionary<string, string?> { [$"{MonitoringOptions.SectionName}:MetricsToken"] = Token });
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };

        using (var refused = await http.GetAsync("/metrics"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        Assert.True(await WaitAboveAsync(http, 0) > 0);
    }
}
