using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Movement.Messaging;
using Movement.TestSupport;

namespace Movement.Dashboard.Tests.Health;

[Trait("Category", "Integration")]
public sealed class HealthEndpointTests
{
    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetHealthAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/healthz");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response.StatusCode, body);
    }

    /// <summary>Asks until the answer has <paramref name="expected"/> (the components connect, or notice a loss, on their own time).</summary>
    private static async Task<JsonElement> WaitForAsync(HttpClient http, HttpStatusCode expected)
    {
        var body = default(JsonElement);
        await Wait.UntilAsync(async () =>
        {
            (var status, body) = await GetHealthAsync(http);
            return status == expected;
        }, $"/healthz answers {(int)expected}", TimeSpan.FromSeconds(60), interval: TimeSpan.FromMilliseconds(100));
        return body;
    }

    [Fact]
    public async Task Healthz_AllConnectedThenBrokerStops_HealthyThenUnhealthyNamingTheConnections()
    {
        await using var server = await DashboardServer.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };

        var healthy = await WaitForAsync(http, HttpStatusCode.OK);
        Assert.Equal("Healthy", healthy.GetProperty("status").GetString());
        var checks = healthy.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("store").GetProperty("status").GetString());
        Assert.Equal("no session running", checks.GetProperty("samples").GetProperty("description").GetString());
        var mqtt = checks.GetProperty("mqtt");
        Assert.Equal("Healthy", mqtt.GetProperty("status").GetString());
        // Gateway, classifier, recorder and dashboard each hold one connection in the single box.
        Assert.Equal(4, mqtt.GetProperty("data").EnumerateObject().Count(p => p.Value.GetString() == "connected"));

        await server.Services.GetRequiredService<EmbeddedBroker>().StopAsync(CancellationToken.None);

        var unhealthy = await WaitForAsync(http, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Unhealthy", unhealthy.GetProperty("status").GetString());
        var lost = unhealthy.GetProperty("checks").GetProperty("mqtt");
        Assert.Equal("Unhealthy", lost.GetProperty("status").GetString());
        Assert.Contains("not connected to the broker", lost.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("Healthy", unhealthy.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }
}
