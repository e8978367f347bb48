using Microsoft.Playwright;
using Movement.Protocol;
using Movement.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Movement.Dashboard.Tests;

/// <summary>A supervisor gives a participant a second sensor in real headless Chromium; the session's roster carries both.</summary>
[Trait("Category", "Integration")]
[Collection(SystemCollection.Name)]
public sealed class PairBrowserTests(SystemFixture system)
{
    [Fact]
    public async Task Supervisor_AddsThighSensor_BadRowsExplained_StartedSessionListsBoth()
    {
        // Demo participant 4 wears one shank sensor (participants 1-3 are seeded with pairs).
        var participant = await system.Server.ParticipantIdAsync(4);
        var page = await system.LoggedInPageAsync(DashboardServer.SupervisorUser, DashboardServer.SupervisorPassword);
        await page.GotoAsync("/live");
        await DashboardPages.WaitInteractiveAsync(page);
        await BrowserTests.EnsureNoSessionRunningAsync(page);
        await page.GotoAsync("/programme");
        await DashboardPages.WaitInteractiveAsync(page);
        var rows = page.Locator($"[data-testid=assignments] tr[data-participant='{participant}']");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid=assignments] tbody tr")).ToHaveCountAsync(DashboardServer.GroupSize + 3);

        // A sensor another participant wears is refused, and the rows stay as they were edited.
        await AddSensorAsync(page, participant, "sim-05", "Thigh");
        await page.ClickAsync("#save-assignments");
        await Expect(page.Locator("[data-testid=programme-message]")).ToContainTextAsync("Sensor sim-05 is listed 2 times");
        await Expect(rows).ToHaveCountAsync(2);
        await page.Locator($"tr[data-participant='{participant}'][data-sensor='sim-05'] [data-testid=remove-sensor]").ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);

        // Two shank sensors are not a pair.
        await AddSensorAsync(page, participant, "sim-04-thigh", "Shank");
        await page.ClickAsync("#save-assignments");
        await Expect(page.Locator("[data-testid=programme-message]")).ToContainTextAsync("has two sensors on the shank (sim-04 and sim-04-thigh)");
        await page.Locator($"tr[data-participant='{participant}'][data-sensor='sim-04-thigh'] [data-testid=remove-sensor]").ClickAsync();

        // A thigh sensor on the same leg is saved, and kept as the participant's usual sensors.
        await AddSensorAsync(page, participant, "sim-04-thigh", "Thigh");
        await page.CheckAsync("#make-usual");
        await page.ClickAsync("#save-assignments");
        await Expect(page.Locator("[data-testid=programme-message]")).ToHaveTextAsync("Sensor assignment saved, and kept as the participants' usual sensors.");
        await Expect(page.Locator("[data-testid=attendance]")).ToContainTextAsync("sim-04 (shank) + sim-04-thigh (thigh)");
        await page.ReloadAsync();
        await DashboardPages.WaitInteractiveAsync(page);
        await Expect(rows).ToHaveCountAsync(2);
        await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("programme-pair.png"), FullPage = true });

        // Starting the session publishes both on the retained roster.
        await page.GotoAsync("/live");
        await DashboardPages.WaitInteractiveAsync(page);
        var sessionId = await BrowserTests.StartNextSessionAsync(page);
        await using (var probe = await MqttProbe.ConnectAsync(system.Server.Mqtt.Probe(), "pair-roster", [Topics.Session("site-1")]))
        {
            var (_, payload) = await probe.NextAsync(TimeSpan.FromSeconds(20));
            Assert.True(ProtocolJson.TryDecodeSessionState(payload, out var state, out var error), error);
            Assert.Equal((sessionId, true), (state!.SessionId, state.Active));
            Assert.Equal(
                [new RosterEntry(participant, "sim-04", Placement.Shank, Side.Right, "station-1"), new RosterEntry(participant, "sim-04-thigh", Placement.Thigh, Side.Right, "station-1")],
                state.Roster.Where(e => e.Participant == participant).OrderBy(e => e.Sensor, StringComparer.Ordinal));
            Assert.Equal(DashboardServer.GroupSize + 4, state.Roster.Count);
        }

        // One tile for the participant, saying it is a pair.
        var tile = page.Locator($"section.tile[data-participant='{participant}']");
        await Expect(tile).ToHaveCountAsync(1);
        await Expect(tile.Locator("[data-testid=placements]")).ToHaveTextAsync("thigh + shank");
        await Expect(tile.Locator("[data-testid=sensor-link]")).ToHaveCountAsync(2);
        await Expect(page.Locator("[data-testid=group-grid] section.tile")).ToHaveCountAsync(DashboardServer.GroupSize);
        await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("supervisor-grid-pairs.png"), FullPage = true });
        await page.Context.CloseAsync();
    }

    private static async Task AddSensorAsync(IPage page, string participant, string sensor, string placement)
    {
        await page.SelectOptionAsync("#add-sensor-participant", participant);
        await page.FillAsync("#add-sensor-id", sensor);
        await page.Locator("#add-sensor-id").DispatchEventAsync("change");
        await page.SelectOptionAsync("#add-sensor-placement", placement);
        await page.ClickAsync("#add-sensor");
    }
}
