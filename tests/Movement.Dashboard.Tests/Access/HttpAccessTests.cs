using System.Net;
using Movement.TestSupport;

namespace Movement.Dashboard.Tests.Access;

/// <summary>Access rules as plain HTTP sees them, against the running system (no browser).</summary>
[Trait("Category", "Integration")]
[Collection(SystemCollection.Name)]
public sealed class HttpAccessTests(SystemFixture system)
{
    private HttpClient NewClient() => NewClient(system.Server);

    /// <summary>A client with its own cookies that does not follow redirects (so a redirect to the login page shows).</summary>
    internal static HttpClient NewClient(DashboardServer server) => new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
    {
        BaseAddress = new Uri(server.BaseUrl),
    };

    [Theory]
    [InlineData("/live")]
    [InlineData("/programme")]
    [InlineData("/outcomes")]
    [InlineData("/outcomes/1.csv")]
    public async Task Get_Anonymous_RedirectsToLogin(string path)
    {
        using var client = NewClient();
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_PostWithoutAntiforgeryToken_IsRejected()
    {
        using var client = NewClient();
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["Input.UserName"] = DashboardServer.SupervisorUser,
            ["Input.Password"] = DashboardServer.SupervisorPassword,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(response.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith("movement.auth", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Login_WrongPassword_ShowsMessageAndSetsNoCookie()
    {
        using var client = NewClient();
        var response = await DashboardPages.LogInAsync(client, DashboardServer.SupervisorUser, "not-the-password");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("User name or password is wrong.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_UnknownUserName_SameMessageAsAWrongPassword()
    {
        using var client = NewClient();
        var response = await DashboardPages.LogInAsync(client, "nobody-by-this-name", "not-the-password");
        var page = await response.Content.ReadAsStringAsync();

        Assert.Contains("User name or password is wrong.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("locked", page, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Login_RepeatedFailuresForOneAccount_AsksToWaitInsteadOfLocking()
    {
        using var client = NewClient();
        var pages = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            pages.Add(await (await DashboardPages.LogInAsync(client, "throttle-probe", "guess-" + i)).Content.ReadAsStringAsync());
        }

        Assert.DoesNotContain("Try again", pages[0], StringComparison.Ordinal);
        Assert.Contains("User name or password is wrong. Try again in 2 s.", pages[2], StringComparison.Ordinal);
        Assert.Contains("Too many failed attempts. Try again in", pages[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_AnyPage_SendsTheSecurityHeaders()
    {
        using var client = NewClient();
        var response = await client.GetAsync("/account/login");

        Assert.Equal(MovementSystemExtensions.ContentSecurityPolicy, string.Join(";", response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("same-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("SAMEORIGIN", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
    }

    [Fact]
    public async Task Participant_OtherParticipantsPageAndSupervisorPages_Forbidden()
    {
        using var client = NewClient();
        var login = await DashboardPages.LogInAsync(client, "participant03", DashboardServer.ParticipantPassword);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);

        var own = await system.Server.ParticipantIdAsync(3);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/participant/{own}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/participant/{await system.Server.ParticipantIdAsync(4)}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/live")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/outcomes/1.csv")).StatusCode);
    }

    [Fact]
    public async Task Participant_ForbiddenPages_SayWhoseTheyAre()
    {
        using var client = NewClient();
        await DashboardPages.LogInAsync(client, "participant05", DashboardServer.ParticipantPassword);

        var other = await client.GetAsync($"/participant/{await system.Server.ParticipantIdAsync(6)}");
        var live = await client.GetAsync("/live");

        Assert.Contains("belongs to another participant", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var livePage = await live.Content.ReadAsStringAsync();
        Assert.Contains("This page is for class supervisors.", livePage, StringComparison.Ordinal);
        Assert.DoesNotContain("belongs to", livePage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Participant_OwnPage_GreetsByName()
    {
        using var client = NewClient();
        await DashboardPages.LogInAsync(client, "participant07", DashboardServer.ParticipantPassword);

        var page = await client.GetStringAsync($"/participant/{await system.Server.ParticipantIdAsync(7)}");

        Assert.Matches(@"<h1[^>]*>Hello, Demo participant 7</h1>", page);
    }

    [Fact]
    public async Task Supervisor_ParticipantPage_HeadingNamesTheParticipant()
    {
        using var client = NewClient();
        await DashboardPages.LogInAsync(client, DashboardServer.SupervisorUser, DashboardServer.SupervisorPassword);

        var page = await client.GetStringAsync($"/participant/{await system.Server.ParticipantIdAsync(1)}");

        Assert.Matches(@"<h1[^>]*>Demo participant 1</h1>", page);
        Assert.DoesNotContain("Hello", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Supervisor_UnknownParticipant_NotFoundSayingSo()
    {
        using var client = NewClient();
        await DashboardPages.LogInAsync(client, DashboardServer.SupervisorUser, DashboardServer.SupervisorPassword);

        var response = await client.GetAsync("/participant/p-nobody-has-this-id");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("There is no participant with the id", page, StringComparison.Ordinal);
        Assert.Contains("p-nobody-has-this-id", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Supervisor_OutcomeCsv_HasPseudonymousIdsOnly()
    {
        using var client = NewClient();
        await DashboardPages.LogInAsync(client, DashboardServer.SupervisorUser, DashboardServer.SupervisorPassword);
        var response = await client.GetAsync("/outcomes/1.csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csv = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("participant,measure,first_session,last_session,change\n", csv, StringComparison.Ordinal);
        Assert.Contains(await system.Server.ParticipantIdAsync(1), csv, StringComparison.Ordinal);
        Assert.DoesNotContain("Demo participant", csv, StringComparison.Ordinal);
    }
}
