using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Movement.Dashboard.Live;
using Movement.Dashboard.Tests.Programme;
using Movement.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Movement.Dashboard.Tests;

/// <summary>A supervisor moving from the live grid to a participant's history, by keyboard, in real Chromium.</summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SupervisorPagesBrowserTests(SystemFixture system)
{
    [Fact]
    public async Task LiveTile_ReachedByTabWithVisibleFocus_EnterOpensParticipantsPage()
    {
        var page = await system.LoggedInPageAsync(DashboardServer.SupervisorUser, DashboardServer.SupervisorPassword, 820, 1180);
        await page.GotoAsync("/live");
        await DashboardPages.WaitInteractiveAsync(page);
        if (await page.Locator("[data-testid=end-session]").CountAsync() == 0)
        {
            await BrowserTests.StartNextSessionAsync(page);
        }

        await Expect(page.Locator("[data-testid=tile-link]")).ToHaveCountAsync(DashboardServer.GroupSize, new() { Timeout = 20_000 });

        // Tab from the top of the page until a tile has the focus (the header's links and buttons come first).
        string? focused = null;
        for (var i = 0; i < 20 && focused is null; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            focused = await page.EvaluateAsync<string?>("() => document.activeElement?.matches('[data-testid=tile-link]') ? document.activeElement.closest('section.tile').dataset.participant : null");
        }

        Assert.NotNull(focused);
        var outline = await page.EvaluateAsync<string[]>(
            "p => { const s = getComputedStyle(document.querySelector(`section.tile[data-participant='${p}']`)); return [s.outlineStyle, s.outlineWidth]; }", focused);
        Assert.Equal("solid", outline[0]);
        Assert.True(double.Parse(outline[1].Replace("px", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture) >= 2, $"focus outline {outline[1]}");
        var name = await page.Locator($"section.tile[data-participant='{focused}'] [data-testid=tile-link]").InnerTextAsync();
        await HistoryData.SeedAsync(system.Server, focused);

        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex($"/participant/{focused}$"));
        await Expect(page.Locator("[data-testid=participant-heading]")).ToHaveTextAsync(name);

        // Their class history: the held session's reps, range against the target, flags, chair stands; the range chart.
        var session = page.Locator($"[data-testid=history-table] tr[data-session='{HistoryData.SessionNumber}']");
        await Expect(session.First).ToContainTextAsync("yes");
        await Expect(session.Filter(new() { HasText = "knee extension" })).ToContainTextAsync("partial range ×2");
        await Expect(session.Locator("[data-testid=chair-stands]")).ToHaveTextAsync(HistoryData.ChairStandsIn30S.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.Locator("#rom-chart")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("participant-history.png"), FullPage = true });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task SensorLost_TileAlertsWithSound_AcknowledgedFromTheTile()
    {
        var page = await system.LoggedInPageAsync(DashboardServer.SupervisorUser, DashboardServer.SupervisorPassword);
        await page.GotoAsync("/live");
        await DashboardPages.WaitInteractiveAsync(page);
        if (await page.Locator("[data-testid=end-session]").CountAsync() == 0)
        {
            await BrowserTests.StartNextSessionAsync(page);
        }

        await Expect(page.Locator("[data-testid=tile-link]")).ToHaveCountAsync(DashboardServer.GroupSize, new() { Timeout = 20_000 });
        await page.CheckAsync("#alert-sound");
        var played = await page.EvaluateAsync<int>("() => window.movementAlerts.played");
        var participant = await page.Locator("section.tile").Last.GetAttributeAsync("data-participant");
        var sensor = system.Server.Services.GetRequiredService<LiveGroupState>().Tiles.Single(t => t.Participant == participant).Sensor!;
        var tile = page.Locator($"section.tile[data-participant='{participant}']");

        await using var probe = await MqttProbe.ConnectAsync(system.Server.Mqtt.Probe(), "alert-status");
        await BrowserTests.PublishStatusAsync(probe, sensor, connected: false);

        // The strong state: the alerting ring, the alert, a sound.
        await Expect(tile).ToHaveClassAsync(new Regex(@"\balerting\b"));
        await Expect(tile.Locator("[data-alert=SensorLost]")).ToHaveTextAsync("Sensor lost");
        await page.WaitForFunctionAsync("n => window.movementAlerts.played > n", played);
        await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("supervisor-grid-alert.png") });

        // Acknowledged from the tile: the ring goes, the alert stays listed as seen, the page stays on the grid.
        await tile.Locator("[data-testid=ack]").ClickAsync();
        await Expect(tile).Not.ToHaveClassAsync(new Regex(@"\balerting\b"));
        await Expect(tile.Locator("[data-alert=SensorLost]")).ToHaveTextAsync("Sensor lost (seen)");
        await Expect(page).ToHaveURLAsync(new Regex("/live$"));

        await BrowserTests.PublishStatusAsync(probe, sensor, connected: true);
        await Expect(tile.Locator("[data-alert=SensorLost]")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task SessionReport_Printed_ShowsTheTableWithoutNavigationOrButtons()
    {
        var session = await HistoryData.SeedAsync(system.Server, await system.Server.ParticipantIdAsync(10));
        var page = await system.LoggedInPageAsync(DashboardServer.SupervisorUser, DashboardServer.SupervisorPassword);
        await page.GotoAsync($"/sessions/{session.Id}/report");
        await DashboardPages.WaitInteractiveAsync(page);
        var table = page.Locator("[data-testid=session-report]");
        await Expect(table).ToContainTextAsync("Demo participant 10");
        await Expect(page.Locator("#print-report")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("session-report.png"), FullPage = true });

        await page.EmulateMediaAsync(new() { Media = Microsoft.Playwright.Media.Print });
        await Expect(page.Locator("header.topbar")).ToBeHiddenAsync();
        await Expect(page.Locator("#print-report")).ToBeHiddenAsync();
        await Expect(page.Locator("[data-testid=report-csv]")).ToBeHiddenAsync();
        await Expect(table).ToBeVisibleAsync();
        var overflow = await page.EvaluateAsync<int>("() => document.querySelector('[data-testid=session-report]').scrollWidth - document.querySelector('main').clientWidth");
        Assert.True(overflow <= 0, $"the printed table is {overflow} px wider than the page");
        await page.Context.CloseAsync();
    }
}
