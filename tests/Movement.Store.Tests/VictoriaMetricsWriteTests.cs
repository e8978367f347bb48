using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Movement.Store.InfluxDb;
using Movement.TestSupport;
using static Movement.Store.Tests.TestData;

namespace Movement.Store.Tests;

/// <summary>
/// The InfluxDB write path against a second, independent server that speaks <c>/api/v2/write</c> natively
/// (victoria-metrics): the points and tags InfluxDB.Client sends are what the schema says.
/// </summary>
[Trait("Category", "Integration")]
public sealed class VictoriaMetricsWriteTests : IAsyncLifetime
{
    private VictoriaMetricsServer _server = null!;

    public async Task InitializeAsync() => _server = await VictoriaMetricsServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task WriteAsync_ToVictoriaMetrics_PointsArriveWithSchemaTags()
    {
        var site = NewSite();
        var t = Utc("2026-05-12T10:00:00.125Z");
        using var store = new InfluxDbActivityStore(
            new InfluxDbOptions { Url = _server.Url, Database = "movement", CreateDatabase = false }, London, NullLogger.Instance);

        await store.WriteAsync([Rep(site, "p1", "e1", t, romDeg: 81.5), Reading(site, "sensor-a", "2026-05-12T10:00:01Z", 4321)], CancellationToken.None);
        await _server.FlushAsync();

        using var http = new HttpClient { BaseAddress = _server.Url };
        var export = await http.GetStringAsync($"api/v1/export?match[]={Uri.EscapeDataString($"{{site=\"{site}\"}}")}");
        var series = export.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var rom = series.Single(s => s.GetProperty("metric").GetProperty("__name__").GetString() == "rep_rom_deg");
        var steps = series.Single(s => s.GetProperty("metric").GetProperty("__name__").GetString() == "step_reading_steps_total");

        Assert.Equal(("p1", "sit_to_stand", "left", "sensor-a"), (
            rom.GetProperty("metric").GetProperty("participant").GetString(), rom.GetProperty("metric").GetProperty("exercise").GetString(),
            rom.GetProperty("metric").GetProperty("leg").GetString(), rom.GetProperty("metric").GetProperty("sensor").GetString()));
        Assert.Equal(81.5, rom.GetProperty("values")[0].GetDouble());
        Assert.Equal(t.ToUnixTimeMilliseconds(), rom.GetProperty("timestamps")[0].GetInt64());
        Assert.Equal(4321, steps.GetProperty("values")[0].GetDouble());
    }
}
