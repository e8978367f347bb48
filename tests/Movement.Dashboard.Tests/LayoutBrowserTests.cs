using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Movement.Dashboard.Data;
using Movement.TestSupport;

namespace Movement.Dashboard.Tests;

/// <summary>
/// Every page at a laptop's, a tablet's and a phone's width, in real Chromium: nothing wider than the screen (wide tables
/// scroll inside their own box), and axe-core's WCAG 2 A and AA rules (contrast, labels, names) find nothing.
/// </summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class LayoutBrowserTests(SystemFixture system)
{
    private static readonly int[] Widths = [1366, 820, 390];

    // Elements past the right edge of the screen, other than inside a box that scrolls sideways on its own.
    private const string TooWide = """
        () => [...document.querySelectorAll('body *')]
          .filter(e => !e.closest('.scroll') && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
          .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().replace(/\s+/g, '.') : '')
                    + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')
          .slice(0, 10)
        """;

    private const string Describe = """
        e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.dataset.testid ? '[' + e.dataset.testid + ']' : '') + ' "' + (e.innerText || e.getAttribute('aria-label') || '').trim().slice(0, 30) + '"'
        """;

    // Marks the focused control; says what it is when its focus shows no ring (a tile's link rings the whole tile).
    private const string FocusProblem = "() => { const describe = " + Describe + """
        ;
          const e = document.activeElement;
          if (!e || e === document.body) return null;
          e.setAttribute('data-was-focused', '');
          const ring = e.matches('.tile a.who') ? e.closest('.tile') : e;
          const s = getComputedStyle(ring);
          return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) ? null : describe(e) + ' (outline: ' + s.outlineStyle + ' ' + s.outlineWidth + ')';
        }
        """;

    private const string Focusable = "a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea, [tabindex='0']";

    private const string Unreached = "() => { const describe = " + Describe + ";\n return [...document.querySelectorAll(\"" + Focusable + "\")]"
        + ".filter(e => e.checkVisibility() && !e.hasAttribute('data-was-focused')).map(describe); }";

    [Fact]
    public async Task EveryPage_EveryControlReachedByTab_WithAVisibleFocusRing()
    {
        var (supervisorPages, participantPage) = await PagesAsync();
        var problems = new List<string>();
        var supervisor = await system.LoggedInPageAsync(DashboardServer.SupervisorUser, DashboardServer.SupervisorPassword, 1366, 900);
        foreach (var path in supervisorPages)
        {
            await WalkAsync(supervisor, path, problems);
        }

        await supervisor.Context.CloseAsync();
        var own = await system.LoggedInPageAsync("participant04", DashboardServer.ParticipantPassword, 1366, 900);
        await WalkAsync(own, participantPage, problems);
        await own.Context.CloseAsync();

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>Tabs through the page once (as many stops as it has controls, and a few more) and notes what was missed or showed no focus.</summary>
    private static async Task WalkAsync(IPage page, string path, List<string> problems)
    {
        await page.GotoAsync(path);
        await DashboardPages.WaitInteractiveAsync(page);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var stops = await page.Locator(Focusable).CountAsync() + 5;
        for (var i = 0; i < stops; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<string?>(FocusProblem) is { } control)
            {
                problems.Add($"{path}: {control} has no visible focus");
            }
        }

        foreach (var control in await page.EvaluateAsync<string[]>(Unreached))
        {
            problems.Add($"{path}: {control} is not reached by Tab");
        }
    }

    private async Task<(string[] SupervisorPages, string ParticipantPage)> PagesAsync()
    {
        int sessionId, cohortId;
        await using (var scope = system.Server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DashboardDbContext>();
            cohortId = await db.Cohorts.Select(c => c.Id).FirstAsync();
            sessionId = await db.Sessions.Where(s => s.CohortId == cohortId).OrderBy(s => s.Number).Select(s => s.Id).FirstAsync();
        }

        var participant = $"/participant/{await system.Server.ParticipantIdAsync(4)}";
        return (["/live", "/programme", "/outcomes", participant, $"/sessions/{sessionId}/report", $"/cohorts/{cohortId}/report"], participant);
    }

    [Fact]
    public async Task EveryPage_AtLaptopTabletAndPhoneWidths_NoOverflowAndNoAxeViolations()
    {
        var (supervisorPages, participantPage) = await PagesAsync();
        var problems = new List<string>();

        var supervisor = await system.LoggedInPageAsync(DashboardServer.SupervisorUser, DashboardServer.SupervisorPassword);

        // A running session, so the grid has its tiles (three of them for thigh + shank pairs, the widest).
        await supervisor.GotoAsync("/live");
        await DashboardPages.WaitInteractiveAsync(supervisor);
        if (await supervisor.Locator("[data-testid=end-session]").CountAsync() == 0)
        {
            await BrowserTests.StartNextSessionAsync(supervisor);
        }

        await Microsoft.Playwright.Assertions.Expect(supervisor.Locator("section.tile")).ToHaveCountAsync(DashboardServer.GroupSize, new() { Timeout = 20_000 });
        foreach (var path in supervisorPages)
        {
            await CheckAsync(supervisor, path, problems);
        }

        await supervisor.Context.CloseAsync();
        var own = await system.LoggedInPageAsync("participant04", DashboardServer.ParticipantPassword);
        await CheckAsync(own, participantPage, problems);
        await own.Context.CloseAsync();

        var context = await system.Chromium.NewContextAsync(system.Server.BaseUrl);
        await CheckAsync(await context.NewPageAsync(), "/account/login", problems, interactive: false);
        await context.CloseAsync();

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static async Task CheckAsync(IPage page, string path, List<string> problems, bool interactive = true)
    {
        foreach (var width in Widths)
        {
            await page.SetViewportSizeAsync(width, width > 500 ? 900 : 844);
            await page.GotoAsync(path);
            if (interactive)
            {
                await DashboardPages.WaitInteractiveAsync(page);
            }

            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            foreach (var element in await page.EvaluateAsync<string[]>(TooWide))
            {
                problems.Add($"{path} at {width} px: {element} is past the right edge");
            }

            var axe = await page.RunAxe(new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa"] } });
            foreach (var violation in axe.Violations)
            {
                problems.Add($"{path} at {width} px: axe {violation.Id} ({violation.Help}): {string.Join(" | ", violation.Nodes.Take(5).Select(n => n.Target?.ToString()))}");
            }
        }
    }
}
