using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Movement.Dashboard.Data;
using Movement.Dashboard.HomeSteps;
using Movement.Dashboard.Programme;
using Movement.Dashboard.Tests.Access;
using Movement.Store;
using Movement.Store.Steps;
using Movement.TestSupport;
using Microsoft.Extensions.Options;
using static Microsoft.Playwright.Assertions;

namespace Movement.Dashboard.Tests.HomeSteps;

/// <summary>A running system of its own whose programme began 20 days ago (so past days are in it), and Chromium.</summary>
public sealed class StepsApiFixture : IAsyncLifetime
{
    public const int RequestsPerMinute = 8;
    public const int ProgrammeDaysAgo = 20;

    public DashboardServer Server { get; private set; } = null!;

    public ChromiumBrowser Chromium { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await DashboardServer.StartAsync(new Dictionary<string, string?>
        {
            [$"{StepsApiOptions.SectionName}:RequestsPerMinutePerToken"] = RequestsPerMinute.ToString(CultureInfo.InvariantCulture),
        });
        await using (var scope = Server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DashboardDbContext>();
            foreach (var cohort in await db.Cohorts.Include(c => c.Sessions).ToListAsync())
            {
                cohort.StartDate = cohort.StartDate.AddDays(-ProgrammeDaysAgo);
                cohort.Sessions.ForEach(s => s.PlannedDate = s.PlannedDate.AddDays(-ProgrammeDaysAgo));
            }

            await db.SaveChangesAsync();
        }

        Chromium = await ChromiumBrowser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        if (Chromium is not null)
        {
            await Chromium.DisposeAsync();
        }

        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}

/// <summary>The steps API over real HTTP against the running dashboard: device tokens, both formats, the rules, the page.</summary>
[Trait("Category", "Integration")]
public sealed class StepsApiHttpTests(StepsApiFixture fixture) : IClassFixture<StepsApiFixture>
{
    private DashboardServer Server => fixture.Server;

    private async Task<(string ParticipantId, string Token, int TokenId)> NewTokenAsync(int participant, string name = "phone")
    {
        var id = await Server.ParticipantIdAsync(participant);
        var (record, token) = await Server.Services.GetRequiredService<DeviceTokens>().CreateAsync(id, name, CancellationToken.None);
        return (id, token, record.Id);
    }

    private HttpClient Device(string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(Server.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static string OmhDay(DateOnly day, long steps) =>
        "{\"step_count\":" + steps.ToString(CultureInfo.InvariantCulture) + ",\"effective_time_frame\":{\"time_interval\":{\"date\":\""
        + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "\"}}}";

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<(DateOnly Today, TimeZoneInfo Zone)> CalendarAsync()
    {
        await using var scope = Server.Services.CreateAsyncScope();
        return (scope.ServiceProvider.GetRequiredService<ProgrammeQueries>().Today,
            scope.ServiceProvider.GetRequiredService<IOptions<StoreOptions>>().Value.GetTimeZone());
    }

    private static string At(DateOnly day, int hour, TimeZoneInfo zone) =>
        DailyStepCalculator.DayStartUtc(day, zone).AddHours(hour).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private async Task<DailySteps> DayAsync(string participantId, DateOnly date)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        var queries = scope.ServiceProvider.GetRequiredService<ProgrammeQueries>();
        var participant = await queries.ParticipantAsync(participantId, CancellationToken.None);
        return (await queries.StepsAsync(participant!, CancellationToken.None)).Days.Single(d => d.Date == date);
    }

    private async Task<int> StoredIntervalsAsync(string participantId)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DashboardDbContext>().ReportedStepIntervals.CountAsync(r => r.ParticipantId == participantId);
    }

    [Fact]
    public async Task PostOpenMHealth_SameIntervalTwice_CountedOnceAndShownOnTheParticipantPage()
    {
        var (participantId, token, _) = await NewTokenAsync(1);
        var (today, zone) = await CalendarAsync();
        var yesterday = today.AddDays(-1);
        using var device = Device(token);
        var body = StepReportsTests.OmhPoint(At(yesterday, 10, zone), At(yesterday, 11, zone), """{"value":1500,"unit":"steps"}""");

        var first = await device.PostAsync(StepsApi.OpenMHealthPath, Json(body));
        var second = await device.PostAsync(StepsApi.OpenMHealthPath, Json(body));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("""{"received":1,"new":1}""", await first.Content.ReadAsStringAsync());
        Assert.Equal("""{"received":1,"new":0}""", await second.Content.ReadAsStringAsync());
        Assert.Equal(1500, (await DayAsync(participantId, yesterday)).Total);

        using var supervisor = HttpAccessTests.NewClient(Server);
        await DashboardPages.LogInAsync(supervisor, DashboardServer.SupervisorUser, DashboardServer.SupervisorPassword);
        var page = await supervisor.GetStringAsync($"/participant/{participantId}");
        Assert.Matches($"data-date=\"{yesterday:yyyy-MM-dd}\">[^<]*<span class=\"steps\">1,500</span>", page);
        Assert.DoesNotContain(token, page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostFhir_DailyAndIntervals_DayTotalIsTheLargerOfDeviceAndManual()
    {
        var (participantId, token, _) = await NewTokenAsync(2);
        var (today, zone) = await CalendarAsync();
        var (twoDaysAgo, threeDaysAgo) = (today.AddDays(-2), today.AddDays(-3));
        await using (var scope = Server.Services.CreateAsyncScope())
        {
            var queries = scope.ServiceProvider.GetRequiredService<ProgrammeQueries>();
            await queries.SaveManualStepsAsync(participantId, twoDaysAgo, 2000, CancellationToken.None);
            await queries.SaveManualStepsAsync(participantId, threeDaysAgo, 2500, CancellationToken.None);
        }

        using var device = Device(token);
        var daily = StepReportsTests.FhirObservation("41950-7", $"\"effectiveDateTime\":\"{twoDaysAgo:yyyy-MM-dd}\"", "5000");
        var hours = string.Join(",", new[] { 9, 10 }.Select(h => "{\"resource\":" + StepReportsTests.FhirObservation(
            "55423-8", $"\"effectivePeriod\":{{\"start\":\"{At(threeDaysAgo, h, zone)}\",\"end\":\"{At(threeDaysAgo, h + 1, zone)}\"}}", "400") + "}"));

        Assert.Equal(HttpStatusCode.OK, (await device.PostAsync(StepsApi.FhirPath, Json(daily))).StatusCode);
        var bundle = await device.PostAsync(StepsApi.FhirPath, Json($$"""{"resourceType":"Bundle","type":"collection","entry":[{{hours}}]}"""));

        Assert.Equal("""{"received":2,"new":2}""", await bundle.Content.ReadAsStringAsync());
        var devicesDay = await DayAsync(participantId, twoDaysAgo);
        Assert.Equal((5000L, 2000L, 5000L), (devicesDay.DeviceSteps, devicesDay.ManualSteps!.Value, devicesDay.Total));
        var manualDay = await DayAsync(participantId, threeDaysAgo);
        Assert.Equal((800L, 2500L), (manualDay.DeviceSteps, manualDay.Total));
    }

    [Theory]
    [InlineData(StepsApi.OpenMHealthPath, """{"body":{"effective_time_frame":{"time_interval":{"date":"DAY"}}}}""", "body.step_count")]
    [InlineData(StepsApi.OpenMHealthPath, """{"body":{"step_count":100001,"effective_time_frame":{"time_interval":{"date":"DAY"}}}}""", "body.step_count")]
    [InlineData(StepsApi.OpenMHealthPath, """{"body":{"step_count":5,"effective_time_frame":{"time_interval":{"date":"FUTURE"}}}}""", "body.effective_time_frame.time_interval.date")]
    [InlineData(StepsApi.OpenMHealthPath, """{"body":{"step_count":5,"effective_time_frame":{"time_interval":{"date":"BEFORE"}}}}""", "body.effective_time_frame.time_interval.date")]
    [InlineData(StepsApi.OpenMHealthPath, """[{"step_count":5,"effective_time_frame":{"time_interval":{"date":"DAY"}}},{"step_count":5}]""", "[1].effective_time_frame.time_interval")]
    [InlineData(StepsApi.OpenMHealthPath, "{not json", "$")]
    [InlineData(StepsApi.FhirPath, """{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"55423-8"}]},"effectiveDateTime":"DAY","valueQuantity":{"value":5}}""", "effectivePeriod")]
    [InlineData(StepsApi.FhirPath, """{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"41950-7"}]},"effectiveDateTime":"DAY","valueQuantity":{"value":"5"}}""", "valueQuantity.value")]
    public async Task Post_BadBody_400NamingTheFieldAndNothingStored(string path, string template, string field)
    {
        var (participantId, token, _) = await NewTokenAsync(3);
        var (today, _) = await CalendarAsync();
        var body = template.Replace("FUTURE", $"{today.AddDays(1):yyyy-MM-dd}", StringComparison.Ordinal)
            .Replace("BEFORE", $"{today.AddDays(-StepsApiFixture.ProgrammeDaysAgo - 1):yyyy-MM-dd}", StringComparison.Ordinal)
            .Replace("DAY", $"{today.AddDays(-1):yyyy-MM-dd}", StringComparison.Ordinal);
        using var device = Device(token);

        var response = await device.PostAsync(path, Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), $"{field} not among the errors of {problem.RootElement}");
        Assert.Equal(0, await StoredIntervalsAsync(participantId));
    }

    [Fact]
    public async Task Post_RevokedUnknownOrMissingToken_401()
    {
        var (participantId, token, tokenId) = await NewTokenAsync(4);
        var (today, _) = await CalendarAsync();
        var body = OmhDay(today, 5);
        Assert.True(await Server.Services.GetRequiredService<DeviceTokens>().RevokeAsync(participantId, tokenId, CancellationToken.None));
        using var revoked = Device(token);
        using var unknown = Device(DeviceTokens.Prefix + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        using var none = new HttpClient { BaseAddress = new Uri(Server.BaseUrl) };

        foreach (var client in new[] { revoked, unknown, none })
        {
            var response = await client.PostAsync(StepsApi.OpenMHealthPath, Json(body));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }

        Assert.Equal(0, await StoredIntervalsAsync(participantId));
    }

    [Fact]
    public async Task Post_BodyNamingAnotherParticipant_StoredForTheTokensParticipantOnly()
    {
        var (participantA, token, _) = await NewTokenAsync(5);
        var participantB = await Server.ParticipantIdAsync(6);
        var (today, _) = await CalendarAsync();
        var before = (await DayAsync(participantB, today)).DeviceSteps; // the simulated class's counters may add some
        using var device = Device(token);

        var response = await device.PostAsync(StepsApi.OpenMHealthPath, Json(
            """{"header":{"user_id":""" + JsonSerializer.Serialize(participantB) + "},\"body\":" + OmhDay(today, 777) + "}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((1, 0), (await StoredIntervalsAsync(participantA), await StoredIntervalsAsync(participantB)));
        Assert.True((await DayAsync(participantB, today)).DeviceSteps < before + 777);
    }

    [Fact]
    public async Task Post_MoreThanTheLimitPerMinute_429ForThatTokenOnly()
    {
        var (_, token, _) = await NewTokenAsync(7, "hub");
        var (_, other, _) = await NewTokenAsync(7, "phone");
        var (today, _) = await CalendarAsync();
        var body = OmhDay(today, 5);
        using var device = Device(token);
        using var otherDevice = Device(other);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= StepsApiFixture.RequestsPerMinute; i++)
        {
            statuses.Add((await device.PostAsync(StepsApi.OpenMHealthPath, Json(body))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.Equal(HttpStatusCode.OK, (await otherDevice.PostAsync(StepsApi.OpenMHealthPath, Json(body))).StatusCode);
    }

    [Fact]
    public async Task OpenApi_Served_DescribesBothEndpoints()
    {
        using var client = new HttpClient { BaseAddress = new Uri(Server.BaseUrl) };

        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));

        var paths = document.RootElement.GetProperty("paths");
        Assert.True(paths.GetProperty(StepsApi.OpenMHealthPath).TryGetProperty("post", out _));
        Assert.True(paths.GetProperty(StepsApi.FhirPath).GetProperty("post").GetProperty("responses").TryGetProperty("400", out _));
    }

    [Fact]
    public async Task TokenCreatedInTheBrowser_SendsSteps_ThenRevokedInTheBrowser_Refused()
    {
        var participantId = await Server.ParticipantIdAsync(8);
        var (today, _) = await CalendarAsync();
        var context = await fixture.Chromium.NewContextAsync(Server.BaseUrl, 390, 844);
        var page = await context.NewPageAsync();
        await DashboardPages.SignInAsync(page, "participant08", DashboardServer.ParticipantPassword);
        await page.GotoAsync($"/participant/{participantId}");
        await DashboardPages.WaitInteractiveAsync(page);

        await page.FillAsync("#token-name", "My phone");
        await page.ClickAsync("#create-token");
        var token = (await page.Locator("[data-testid=new-token]").InnerTextAsync()).Trim();
        using var device = Device(token);
        var body = OmhDay(today, 4321);
        var accepted = await device.PostAsync(StepsApi.OpenMHealthPath, Json(body));

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        await page.ReloadAsync();
        await DashboardPages.WaitInteractiveAsync(page);
        await Expect(page.Locator("[data-testid=steps-today]")).ToHaveTextAsync("4,321");
        var row = page.Locator("[data-testid=token-table] tr", new() { HasText = "My phone" });
        await Expect(row).Not.ToContainTextAsync("never");
        await Expect(page.Locator("[data-testid=new-token]")).ToHaveCountAsync(0);

        await row.Locator("[data-testid=revoke-token]").ClickAsync();
        await Expect(row).ToContainTextAsync("revoked");
        Assert.Equal(HttpStatusCode.Unauthorized, (await device.PostAsync(StepsApi.OpenMHealthPath, Json(body))).StatusCode);
        await context.CloseAsync();
    }
}
