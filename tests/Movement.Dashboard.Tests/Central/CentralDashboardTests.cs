using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Movement.Dashboard.Tests.Access;
using Movement.Protocol;
using Movement.Store;
using Movement.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Movement.Dashboard.Tests.Central;

/// <summary>
/// The central dashboard over a store holding two sites' recorded sessions (as the central recorder writes them),
/// with a supervisor account for each site: each sees their own site's sessions, reports and exports, and another
/// site's addresses answer exactly as a site that does not exist.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CentralDashboardTests : IAsyncLifetime
{
    private const string SupervisorA = "central-a";
    private const string SupervisorB = "central-b";
    private const string Password = "Central-supervisor-pw1";

    // The same pseudonymous participant id at both sites: only the site keeps them apart.
    private const string Participant = "p-shared";
    private const string SessionA = "sess-a1";
    private const string SessionB = "sess-b1";

    private DashboardServer _server = null!;
    private ChromiumBrowser? _chromium;

    public async Task InitializeAsync()
    {
        _server = await DashboardServer.StartAsync(new Dictionary<string, string?>
        {
            ["Movement:Components:Gateway"] = "false",
            ["Movement:Components:Classifier"] = "false",
            ["Movement:Components:Store"] = "false",
            // The seed's supervisor only: a site's own supervisor, on the central dashboard.
            ["Movement:Dashboard:Seed:Participants"] = "0",
            ["Movement:Dashboard:Seed:PairedParticipants"] = "0",
            ["Movement:Dashboard:Central:Sites:0"] = "site-a",
            ["Movement:Dashboard:Central:Sites:1"] = "site-b",
            ["Movement:Dashboard:Central:Supervisors:0:UserName"] = SupervisorA,
            ["Movement:Dashboard:Central:Supervisors:0:Password"] = Password,
            ["Movement:Dashboard:Central:Supervisors:0:Site"] = "site-a",
            ["Movement:Dashboard:Central:Supervisors:1:UserName"] = SupervisorB,
            ["Movement:Dashboard:Central:Supervisors:1:Password"] = Password,
            ["Movement:Dashboard:Central:Supervisors:1:Site"] = "site-b",
        });
        var store = _server.Services.GetRequiredService<IActivityStore>();
        var start = DateTimeOffset.UtcNow.AddHours(-2);
        await store.WriteAsync(
        [
            new AttendanceRecord("site-a", SessionA, Participant, start, Cohort: Cohort, SessionNumber: 9, SessionsPlanned: 12),
            new EventRecord("site-a", Rep("site-a", SessionA, start, reps: 7, romDeg: 61)),
            new AttendanceRecord("site-b", SessionB, Participant, start, Cohort: Cohort, SessionNumber: 1, SessionsPlanned: 12),
            new AttendanceRecord("site-b", SessionB, OnlyAtB, start, Cohort: Cohort, SessionNumber: 1, SessionsPlanned: 12),
            new EventRecord("site-b", Rep("site-b", SessionB, start, reps: 3, romDeg: 33)),
            // Site A's cohort before SessionA: the shared id attended sessions 1-8 (9 of 12 with SessionA: completed),
            // another participant sessions 1-2; and a session recorded before session states named a cohort.
            .. Enumerable.Range(1, 8).SelectMany(number => (IEnumerable<ActivityRecord>)
            [
                new AttendanceRecord("site-a", $"sess-a0{number}", Participant, start.AddDays(-4 * (9 - number)), Cohort: Cohort, SessionNumber: number, SessionsPlanned: 12),
                .. number <= 2 ? [new AttendanceRecord("site-a", $"sess-a0{number}", OnlyAtA, start.AddDays(-4 * (9 - number)), Cohort: Cohort, SessionNumber: number, SessionsPlanned: 12)] : Array.Empty<ActivityRecord>(),
            ]),
            new AttendanceRecord("site-a", LegacySessionA, OnlyAtA, start.AddDays(-60)),
        ], CancellationToken.None);
    }

    // Both sites' dashboards number their cohorts from 1: the same reference, two different cohorts.
    private const string Cohort = "c-1";
    private const string OnlyAtA = "p-only-at-a";
    private const string OnlyAtB = "p-only-at-b";
    private const string LegacySessionA = "sess-legacy";

    private static RepEvent Rep(string site, string session, DateTimeOffset start, int reps, double romDeg) => new()
    {
        Id = $"{site}-rep-{reps}",
        Site = site,
        Participant = Participant,
        Sensor = "sim-01",
        Session = session,
        Time = start.AddMinutes(5),
        Exercise = ExerciseIds.KneeExtension,
        SetNumber = 1,
        RepNumber = reps,
        StartTime = start.AddMinutes(5).AddSeconds(-3),
        DurationS = 3,
        RomDeg = romDeg,
    };

    private HttpClient NewClient() => HttpAccessTests.NewClient(_server);

    private async Task<HttpClient> SignedInAsync(string user)
    {
        var client = NewClient();
        var response = await DashboardPages.LogInAsync(client, user, Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    [Fact]
    public async Task Get_SupervisorOfSiteA_OwnSiteSessionReportAndCsv()
    {
        using var client = await SignedInAsync(SupervisorA);

        var sites = await client.GetStringAsync("/sites");
        var site = await client.GetStringAsync("/sites/site-a");
        var report = await client.GetStringAsync($"/sites/site-a/sessions/{SessionA}");
        var csv = await client.GetStringAsync($"/sites/site-a/sessions/{SessionA}/report.csv");

        Assert.Contains("data-site=\"site-a\"", sites, StringComparison.Ordinal);
        Assert.DoesNotContain("site-b", sites, StringComparison.Ordinal);
        Assert.Contains($"data-session=\"{SessionA}\"", site, StringComparison.Ordinal);
        Assert.Contains($"data-participant=\"{Participant}\"", report, StringComparison.Ordinal);
        Assert.Equal($"site,session,participant,exercise,sets,reps,mean_rom_deg\nsite-a,{SessionA},{Participant},knee_extension,1,1,61.0\n", csv);
    }

    [Fact]
    public async Task Get_SupervisorOfSiteA_OwnCohortsAttendanceAndCompletion()
    {
        using var client = await SignedInAsync(SupervisorA);

        var page = await client.GetStringAsync("/sites/site-a");

        var cohort = Section(page, Cohort);
        Assert.Contains("9 of 12 sessions held", cohort, StringComparison.Ordinal);
        Assert.Contains("<strong>1 of 2</strong>", cohort, StringComparison.Ordinal);
        Assert.Matches($"data-participant=\"{Participant}\">\\s*<td>{Participant}</td>\\s*<td>9 of 12</td>\\s*<td>yes</td>", cohort);
        Assert.Matches($"data-participant=\"{OnlyAtA}\">\\s*<td>{OnlyAtA}</td>\\s*<td>2 of 12</td>\\s*<td>not yet</td>", cohort);
        Assert.Contains($"href=\"sites/site-a/sessions/{SessionA}\"", cohort, StringComparison.Ordinal);
        Assert.Matches($"data-session=\"{SessionA}\">\\s*<td><a [^>]*>{SessionA}</a></td>\\s*<td>9 of 12</td>", cohort);
        // The session from before cohort references: under "no cohort", still linked to its report.
        var none = Section(page, "none");
        Assert.Contains($"data-session=\"{LegacySessionA}\"", none, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-session=\"{LegacySessionA}\"", cohort, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/sites/site-a/sessions/{LegacySessionA}")).StatusCode);
        // Site B's cohort has the same reference; nothing of it shows at site A.
        Assert.DoesNotContain(OnlyAtB, page, StringComparison.Ordinal);
        Assert.DoesNotContain(SessionB, page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_SupervisorOfSiteB_OwnCohortOnly()
    {
        using var client = await SignedInAsync(SupervisorB);

        var page = await client.GetStringAsync("/sites/site-b");

        var cohort = Section(page, Cohort);
        Assert.Contains("1 of 12 sessions held", cohort, StringComparison.Ordinal);
        Assert.Contains("<strong>0 of 2</strong>", cohort, StringComparison.Ordinal);
        Assert.Matches($"data-participant=\"{Participant}\">\\s*<td>{Participant}</td>\\s*<td>1 of 12</td>", cohort);
        Assert.Contains($"data-participant=\"{OnlyAtB}\"", cohort, StringComparison.Ordinal);
        Assert.DoesNotContain(OnlyAtA, page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-cohort=\"none\"", page, StringComparison.Ordinal);
    }

    /// <summary>The section of the site page for one cohort reference ("none": the sessions without one).</summary>
    private static string Section(string page, string cohort)
    {
        var match = System.Text.RegularExpressions.Regex.Match(page, $"<section data-testid=\"site-cohort\" data-cohort=\"{cohort}\">(.*?)</section>", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.True(match.Success, $"no section for cohort {cohort}");
        return match.Groups[1].Value;
    }

    [Theory]
    [InlineData("/sites/site-b")]
    [InlineData("/sites/site-b/sessions/" + SessionB)]
    [InlineData("/sites/site-b/sessions/" + SessionB + "/report.csv")]
    [InlineData("/sites/site-a/sessions/" + SessionB)]
    public async Task Get_SupervisorOfSiteA_OtherSitesDataIsNotFound(string path)
    {
        using var client = await SignedInAsync(SupervisorA);

        var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain(SessionB, body.Replace(path, "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_OtherSiteAndSiteThatDoesNotExist_AnswerAlike()
    {
        using var client = await SignedInAsync(SupervisorA);

        var other = await client.GetAsync("/sites/site-b");
        var none = await client.GetAsync("/sites/site-z");

        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(none.StatusCode, other.StatusCode);
        Assert.Equal(NotFoundText(await none.Content.ReadAsStringAsync()), NotFoundText(await other.Content.ReadAsStringAsync()));
    }

    /// <summary>What the not-found page tells the user (the rest of the page carries per-request tokens).</summary>
    private static string NotFoundText(string page)
    {
        var match = System.Text.RegularExpressions.Regex.Match(page, "data-testid=\"not-found\">(.*?)</p>", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.True(match.Success, "no not-found text on the page");
        return match.Groups[1].Value;
    }

    [Fact]
    public async Task Get_SupervisorOfSiteB_SeesSiteBAndNotSiteA()
    {
        using var client = await SignedInAsync(SupervisorB);

        Assert.Contains($"data-session=\"{SessionB}\"", await client.GetStringAsync("/sites/site-b"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/sites/site-a")).StatusCode);
    }

    [Theory]
    [InlineData("/live")]
    [InlineData("/programme")]
    public async Task Get_CentralSupervisor_SingleSitePagesForbidden(string path)
    {
        using var client = await SignedInAsync(SupervisorA);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(path)).StatusCode);
    }

    [Theory]
    [InlineData("/sites")]
    [InlineData("/sites/site-a")]
    [InlineData("/sites/site-a/sessions/" + SessionA + "/report.csv")]
    public async Task Get_SiteSupervisor_CentralPagesForbidden(string path)
    {
        using var client = NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await DashboardPages.LogInAsync(client, DashboardServer.SupervisorUser, DashboardServer.SupervisorPassword)).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task Browser_SupervisorOfSiteA_OwnSiteOnlyAndSiteBByAddressIsNotFound()
    {
        _chromium = await ChromiumBrowser.LaunchAsync();
        var context = await _chromium.NewContextAsync(_server.BaseUrl);
        var page = await context.NewPageAsync();

        await DashboardPages.SignInAsync(page, SupervisorA, Password);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/sites$"));
        await Expect(page.Locator("[data-testid=sites] a")).ToHaveCountAsync(1);
        await page.ClickAsync("[data-site=site-a]");
        await Expect(page.Locator($"[data-cohort={Cohort}] [data-testid=cohort-status]")).ToContainTextAsync("1 of 2");
        await Expect(page.Locator($"[data-cohort={Cohort}] tr[data-participant={OnlyAtA}]")).ToContainTextAsync("not yet");
        await page.ClickAsync($"[data-cohort={Cohort}] [data-session={SessionA}] a");
        await Expect(page.Locator($"[data-testid=session-report] tr[data-participant={Participant}]")).ToContainTextAsync("knee extension");

        // Another site's session, asked for by address: the not-found page, nothing of site B.
        await page.GotoAsync($"/sites/site-b/sessions/{SessionB}");
        await Expect(page.Locator("[data-testid=not-found]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=session-report]")).ToHaveCountAsync(0);
        await context.CloseAsync();
    }

    public async Task DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }

        await _server.DisposeAsync();
    }
}
