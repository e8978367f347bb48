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

    [Fact]
    public async Task EveryPage_AtLaptopTabletAndPhoneWidths_NoOverflowAndNoAxeViolations()
    {
        int sessionId, cohortId;
        await using (var scope = system.Server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DashboardDbContext>();
            cohortId = await db.Cohorts.Select(c => c.Id).FirstAsync();
            sessionId = await db.Sessions.Where(s => s.CohortId == cohortId).OrderBy(s => s.Number).Select(s => s.Id).FirstAsync();
        }

        var participant = await system.Server.ParticipantIdAsync(4);
        string[] supervisorPages = ["/live", "/programme", "/outcomes", $"/participant/{participant}", $"/sessions/{sessionId}/report", $"/cohorts/{cohortId}/report"];
        var problems = new List<string>();

        var supervisor = await system.LoggedInPageAsync(DashboardServer.SupervisorUser, DashboardServer.SupervisorPassword);
        foreach (var path in supervisorPages)
        {
            await CheckAsync(supervisor, path, problems);
        }

        await supervisor.Context.CloseAsync();
        var own = await system.LoggedInPageAsync("participant04", DashboardServer.ParticipantPassword);
        await CheckAsync(own, $"/participant/{participant}", problems);
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
