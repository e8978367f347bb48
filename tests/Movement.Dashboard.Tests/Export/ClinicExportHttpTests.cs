using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using Movement.Dashboard.Data;
using Movement.Dashboard.Export;
using Movement.Dashboard.HomeSteps;
using Movement.Dashboard.Programme;
using Movement.Dashboard.Tests.Access;
using Movement.Dashboard.Tests.Programme;
using Movement.Protocol;
using Movement.TestSupport;
using Task = System.Threading.Tasks.Task;

namespace Movement.Dashboard.Tests.Export;

/// <summary>
/// The clinic export over real HTTP against the running system: who may export what, the default carrying no name,
/// and steps a phone sent through the steps API counted in the Bundle and in the cohort CSV.
/// </summary>
[Trait("Category", "Integration")]
[Collection(SystemCollection.Name)]
public sealed class ClinicExportHttpTests(SystemFixture system)
{
    /// <summary>Participant 5 exports; participant 6 is someone else.</summary>
    private const int Exporter = 5;

    private const string ExporterUser = "participant05";
    private const string ExporterName = "Demo participant 5";

    /// <summary>Today's steps a phone sends: more than the simulated class could walk, so only the report can make them.</summary>
    private const long PhoneSteps = 43_210;

    private const int StepGoal = 40_000;

    private DashboardServer Server => system.Server;

    private async Task<HttpClient> SignedInAsync(string user, string password)
    {
        var client = HttpAccessTests.NewClient(Server);
        await DashboardPages.LogInAsync(client, user, password);
        return client;
    }

    /// <summary>
    /// The exporter's known data: session 12 held and attended with reps and flags, a pain score, and today's steps
    /// sent by a phone with a device token over the steps API (the same interval again replaces, so this can run twice).
    /// </summary>
    private async Task<(string ParticipantId, ProgrammeSession Session, DateOnly Today)> SeedAsync()
    {
        var participant = await Server.ParticipantIdAsync(Exporter);
        var session = await HistoryData.SeedAsync(Server, participant);
        DateOnly today;
        await using (var scope = Server.Services.CreateAsyncScope())
        {
            var queries = scope.ServiceProvider.GetRequiredService<ProgrammeQueries>();
            today = queries.Today;
            await queries.SaveOutcomesAsync(participant, OutcomeMeasures.FirstSession, new Dictionary<string, double> { [OutcomeMeasures.Pain.Id] = 6 }, CancellationToken.None);
            await queries.SetStepGoalAsync(participant, StepGoal, today, CancellationToken.None);
        }

        var (_, token) = await Server.Services.GetRequiredService<DeviceTokens>().CreateAsync(participant, "export test phone", CancellationToken.None);
        using var phone = new HttpClient { BaseAddress = new Uri(Server.BaseUrl) };
        phone.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var body = "{\"step_count\":" + PhoneSteps.ToString(CultureInfo.InvariantCulture)
            + ",\"effective_time_frame\":{\"time_interval\":{\"date\":\"" + today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "\"}}}";
        var sent = await phone.PostAsync("/api/steps/omh", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        return (participant, session, today);
    }

    [Fact]
    public async Task Export_OwnAsParticipant_PseudonymousValidBundleWithEverySource()
    {
        var (participant, session, today) = await SeedAsync();
        using var client = await SignedInAsync(ExporterUser, DashboardServer.ParticipantPassword);

        var response = await client.GetAsync($"/participant/{participant}/export.fhir.json");
        var json = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(FhirExport.MediaType, response.Content.Headers.ContentType!.MediaType);
        var bundle = FhirValidation.Parse(json);
        Assert.Empty(FhirValidation.Errors(bundle));
        Assert.Empty(FhirValidation.UnresolvedReferences(json));

        var patient = Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<Patient>());
        Assert.Empty(patient.Name);
        Assert.Equal(participant, Assert.Single(patient.Identifier).Value);
        Assert.DoesNotContain(ExporterName, json, StringComparison.Ordinal);

        var observations = bundle.Entry.Select(e => e.Resource).OfType<Observation>().ToList();
        var todaySteps = observations.Single(o => o.Code.Coding.Any(c => c.Code == FhirExport.DailyStepsLoinc)
            && Assert.IsType<FhirDateTime>(o.Effective).Value == today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Assert.Equal(PhoneSteps, Assert.IsType<Quantity>(todaySteps.Value).Value);

        var encounter = bundle.Entry.Single(e => e.Resource is Encounter enc && enc.Identifier.Any(i => i.Value == session.SessionKey));
        var knee = observations.Single(o => o.Encounter?.Reference == encounter.FullUrl
            && o.Component.Any(c => c.Value is CodeableConcept { Coding: [{ Code: ExerciseIds.KneeExtension }, ..] }));
        decimal? Amount(string code) => Assert.IsType<Quantity>(knee.Component.Single(c => c.Code.Coding[0].Code == code).Value).Value;
        Assert.Equal(HistoryData.KneeExtensionRomDeg.Length, Amount(FhirExport.RepsComponent));
        Assert.Equal((decimal)HistoryData.KneeExtensionRomDeg.Average(), Amount(FhirExport.MeanRangeComponent));
        Assert.Equal(2, Amount("partial_range"));
        Assert.Contains(knee.Component, c => c.Value is CodeableConcept { Coding: [{ System: FhirExport.AngleSystem, Code: "shank" }, ..] });

        var pain = observations.Single(o => o.Code.Coding.Any(c => c.Code == OutcomeMeasures.Pain.Id));
        Assert.Equal(6, Assert.IsType<Quantity>(pain.Value).Value);
    }

    [Fact]
    public async Task Export_AnotherParticipantsOrNamesAsParticipant_Forbidden()
    {
        var own = await Server.ParticipantIdAsync(Exporter);
        var other = await Server.ParticipantIdAsync(6);
        using var client = await SignedInAsync(ExporterUser, DashboardServer.ParticipantPassword);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/participant/{other}/export.fhir.json")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/participant/{own}/export.fhir.json?names=true")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/cohorts/1/report.csv")).StatusCode);
    }

    [Fact]
    public async Task Export_Anonymous_RedirectsToLogin()
    {
        using var client = HttpAccessTests.NewClient(Server);

        var response = await client.GetAsync($"/participant/{await Server.ParticipantIdAsync(Exporter)}/export.fhir.json");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_Supervisor_NameOnlyWhenAsked()
    {
        var participant = await Server.ParticipantIdAsync(Exporter);
        using var client = await SignedInAsync(DashboardServer.SupervisorUser, DashboardServer.SupervisorPassword);

        var plain = await client.GetStringAsync($"/participant/{participant}/export.fhir.json");
        var named = FhirValidation.Parse(await client.GetStringAsync($"/participant/{participant}/export.fhir.json?names=true"));

        Assert.DoesNotContain(ExporterName, plain, StringComparison.Ordinal);
        Assert.Equal(ExporterName, Assert.Single(named.Entry.Select(e => e.Resource).OfType<Patient>().Single().Name).Text);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/participant/p-nobody00/export.fhir.json")).StatusCode);
    }

    [Fact]
    public async Task CohortCsv_StepsFromThePhone_CountTowardsTheGoal_NamesOnlyWhenAsked()
    {
        var (participant, _, _) = await SeedAsync();
        int cohortId;
        await using (var scope = Server.Services.CreateAsyncScope())
        {
            cohortId = (await scope.ServiceProvider.GetRequiredService<ProgrammeQueries>().ParticipantAsync(participant, CancellationToken.None))!.CohortId;
        }

        using var client = await SignedInAsync(DashboardServer.SupervisorUser, DashboardServer.SupervisorPassword);
        var plain = (await client.GetStringAsync($"/cohorts/{cohortId}/report.csv")).Split('\n');
        var named = (await client.GetStringAsync($"/cohorts/{cohortId}/report.csv?names=true")).Split('\n');

        var header = plain[0].Split(',');
        var row = plain.Single(l => l.StartsWith(participant + ",", StringComparison.Ordinal)).Split(',');
        string Column(string name) => row[Array.IndexOf(header, name)];
        Assert.Equal(StepGoal.ToString(CultureInfo.InvariantCulture), Column("daily_step_goal"));
        Assert.Equal(("1", "1", "1"), (Column("goal_days"), Column("goal_days_met"), Column("goal_adherence")));
        Assert.Equal(PhoneSteps.ToString(CultureInfo.InvariantCulture), Column("mean_daily_steps"));
        Assert.Equal("6", Column("pain_nrs_first"));
        Assert.DoesNotContain("Demo participant", string.Join('\n', plain), StringComparison.Ordinal);
        Assert.Equal("participant,name", string.Join(',', named[0].Split(',').Take(2)));
        Assert.Contains($"{participant},\"{ExporterName}\",", string.Join('\n', named), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_ExportButtons_NamedOnesForSupervisorsOnly()
    {
        var participant = await Server.ParticipantIdAsync(Exporter);
        using var own = await SignedInAsync(ExporterUser, DashboardServer.ParticipantPassword);
        using var supervisor = await SignedInAsync(DashboardServer.SupervisorUser, DashboardServer.SupervisorPassword);

        var ownPage = await own.GetStringAsync($"/participant/{participant}");
        var supervisorPage = await supervisor.GetStringAsync($"/participant/{participant}");

        Assert.Contains($"href=\"participant/{participant}/export.fhir.json\"", ownPage, StringComparison.Ordinal);
        Assert.DoesNotContain("names=true", ownPage, StringComparison.Ordinal);
        Assert.Contains($"href=\"participant/{participant}/export.fhir.json?names=true\"", supervisorPage, StringComparison.Ordinal);
    }
}
