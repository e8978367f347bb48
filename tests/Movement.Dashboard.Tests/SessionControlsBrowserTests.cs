using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Movement.Dashboard.Data;
using Movement.Dashboard.Live;
using Movement.Dashboard.Programme;
using Movement.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Movement.Dashboard.Tests;

/// <summary>The live page's session header and its confirmation steps, names in natural order, the favicon: in real Chromium.</summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed partial class SessionControlsBrowserTests(SystemFixture system)
{
    [Fact]
    public async Task StartBeforePlannedDay_And_End_AskFirst_OneClickChangesNothing()
    {
        var page = await system.LoggedInPageAsync(DashboardServer.SupervisorUser, DashboardServer.SupervisorPassword);
        await page.GotoAsync("/live");
        await DashboardPages.WaitInteractiveAsync(page);
        await BrowserTests.EnsureNoSessionRunningAsync(page);
        var next = await PlanNextSessionInDaysAsync(3);

        // One click on Start asks: the session is planned three days from now, and nothing starts yet.
        await page.ClickAsync("[data-testid=start-session]");
        var confirm = page.Locator("[role=alertdialog][data-testid=confirm]");
        await Expect(confirm).ToBeVisibleAsync();
        await Expect(confirm).ToContainTextAsync($"Start session {next.Number} of 12 today?");
        await Expect(confirm).ToContainTextAsync($"planned for {next.PlannedDate.ToString("dddd d MMMM yyyy", CultureInfo.InvariantCulture)}, in 3 days");
        await Expect(page.Locator("[data-testid=confirm-no]")).ToBeFocusedAsync();
        Assert.Null(await StartedAtAsync(next.Id));

        // Escape (the focused "No") steps back, still without starting.
        await page.Keyboard.PressAsync("Escape");
        await Expect(confirm).ToHaveCountAsync(0);
        Assert.Null(await StartedAtAsync(next.Id));
        Assert.NotEqual(true, Live.Session?.Active);

        // Confirmed, it starts: the header names the session by its number in the programme, not its broker id.
        await page.ClickAsync("[data-testid=start-session]");
        await page.ClickAsync("[data-testid=confirm-yes]");
        var number = page.Locator("[data-testid=session-number]");
        await Expect(number).ToHaveTextAsync($"{next.Number} of 12", new() { Timeout = 20_000 });
        var header = page.Locator("[data-testid=session]");
        await Expect(header).Not.ToContainTextAsync(next.SessionKey);
        Assert.NotNull(await StartedAtAsync(next.Id));

        // The elapsed time runs on by itself (m:ss), pushed through the circuit without a reload.
        var elapsed = page.Locator("[data-testid=elapsed]");
        await Expect(elapsed).ToHaveTextAsync(MinutesSeconds());
        var shown = await elapsed.InnerTextAsync();
        await Expect(elapsed).Not.ToHaveTextAsync(shown, new() { Timeout = 20_000 });

        // One click on End only asks; "No" keeps the session running.
        await page.ClickAsync("[data-testid=end-session]");
        await Expect(confirm).ToContainTextAsync($"End session {next.Number} of 12 now?");
        await Expect(page.Locator("[data-testid=confirm-no]")).ToBeFocusedAsync();
        Assert.True(Live.Session?.Active);
        Assert.Null(await EndedAtAsync(next.Id));
        await page.ClickAsync("[data-testid=confirm-no]");
        await Expect(confirm).ToHaveCountAsync(0);
        await Expect(number).ToBeVisibleAsync();
        Assert.Null(await EndedAtAsync(next.Id));

        // Confirmed, it ends.
        await page.ClickAsync("[data-testid=end-session]");
        await page.ClickAsync("[data-testid=confirm-yes]");
        await Expect(page.Locator("[data-testid=start-session]")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Expect(header).ToHaveTextAsync($"Session {next.Number} of 12 ended.");
        Assert.NotNull(await EndedAtAsync(next.Id));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task SupervisorPages_ListNamesNaturally_AndHaveFavicon()
    {
        var page = await system.LoggedInPageAsync(DashboardServer.SupervisorUser, DashboardServer.SupervisorPassword);
        var expected = Enumerable.Range(1, DashboardServer.GroupSize).Select(n => $"Demo participant {n}").ToArray();

        await page.GotoAsync("/programme");
        await DashboardPages.WaitInteractiveAsync(page);
        Assert.Equal(expected, await page.Locator("[data-testid=attendance] tbody tr td:first-child").AllInnerTextsAsync());
        Assert.Equal(expected, await page.Locator("#add-sensor-participant option").AllInnerTextsAsync());

        await page.GotoAsync("/outcomes");
        await DashboardPages.WaitInteractiveAsync(page);
        Assert.Equal(expected, await page.Locator("#outcome-participant option").AllInnerTextsAsync());

        await page.GotoAsync("/live");
        await DashboardPages.WaitInteractiveAsync(page);
        if (await page.Locator("[data-testid=start-session]").CountAsync() > 0)
        {
            await BrowserTests.StartNextSessionAsync(page);
        }

        var tiles = page.Locator("[data-testid=group-grid] section.tile .who");
        await Expect(tiles).ToHaveCountAsync(DashboardServer.GroupSize, new() { Timeout = 20_000 });
        Assert.Equal(expected, await tiles.AllInnerTextsAsync());

        // The icon the page links is served as SVG.
        var href = await page.Locator("head link[rel=icon]").GetAttributeAsync("href");
        Assert.NotNull(href);
        var icon = await page.APIRequest.GetAsync(href);
        Assert.Equal(200, icon.Status);
        Assert.StartsWith("image/svg+xml", icon.Headers["content-type"], StringComparison.Ordinal);
        Assert.Contains("<svg", await icon.TextAsync(), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    private LiveGroupState Live => system.Server.Services.GetRequiredService<LiveGroupState>();

    /// <summary>Moves the first cohort's next session to <paramref name="days"/> days after today, and returns it.</summary>
    private async Task<ProgrammeSession> PlanNextSessionInDaysAsync(int days)
    {
        await using var scope = system.Server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DashboardDbContext>();
        var cohort = await db.Cohorts.OrderBy(c => c.Id).FirstAsync();
        var next = await db.Sessions.Where(s => s.CohortId == cohort.Id && s.StartedAt == null).OrderBy(s => s.Number).FirstAsync();
        next.PlannedDate = scope.ServiceProvider.GetRequiredService<ProgrammeQueries>().Today.AddDays(days);
        await db.SaveChangesAsync();
        return next;
    }

    private async Task<DateTimeOffset?> StartedAtAsync(int sessionId) => (await SessionAsync(sessionId)).StartedAt;

    private async Task<DateTimeOffset?> EndedAtAsync(int sessionId) => (await SessionAsync(sessionId)).EndedAt;

    private async Task<ProgrammeSession> SessionAsync(int sessionId)
    {
        await using var scope = system.Server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DashboardDbContext>().Sessions.AsNoTracking().SingleAsync(s => s.Id == sessionId);
    }

    [GeneratedRegex(@"^\d+:\d\d$")]
    private static partial Regex MinutesSeconds();
}
