using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Movement.Dashboard.Data;
using Movement.Dashboard.Tests.Access;
using Movement.TestSupport;

namespace Movement.Dashboard.Tests.Programme;

/// <summary>The session and cohort reports and their CSV exports over HTTP, against the running system.</summary>
[Trait("Category", "Integration")]
[Collection(SystemCollection.Name)]
public sealed class ReportHttpTests(SystemFixture system)
{
    private async Task<HttpClient> SupervisorAsync()
    {
        var client = HttpAccessTests.NewClient(system.Server);
        await DashboardPages.LogInAsync(client, DashboardServer.SupervisorUser, DashboardServer.SupervisorPassword);
        return client;
    }

    [Fact]
    public async Task SessionReport_HeldSession_PageAndCsvListTheParticipantsWork()
    {
        var participant = await system.Server.ParticipantIdAsync(10);
        var session = await HistoryData.SeedAsync(system.Server, participant);
        using var client = await SupervisorAsync();

        var page = await client.GetStringAsync($"/sessions/{session.Id}/report");
        var csv = await client.GetAsync($"/sessions/{session.Id}/report.csv");
        var text = await csv.Content.ReadAsStringAsync();

        Assert.Contains($"Session {HistoryData.SessionNumber} of 12", page, StringComparison.Ordinal);
        Assert.Contains("Demo participant 10", page, StringComparison.Ordinal);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("session,participant,attended,exercise,sets,reps,mean_rom_deg,rom_kind,target_rom_deg,flags,alerts\n", text, StringComparison.Ordinal);
        Assert.Contains($"{HistoryData.SessionNumber},{participant},yes,knee_extension,1,3,70,", text, StringComparison.Ordinal);
        Assert.Contains(",partial_range:2,", text, StringComparison.Ordinal);
        Assert.Contains($"{HistoryData.SessionNumber},{participant},yes,sit_to_stand,1,{HistoryData.SitToStands},95,", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Demo participant", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CohortReport_PageAndCsv_CompletionPerParticipant()
    {
        int cohortId;
        await using (var scope = system.Server.Services.CreateAsyncScope())
        {
            cohortId = await scope.ServiceProvider.GetRequiredService<DashboardDbContext>().Cohorts.Select(c => c.Id).FirstAsync();
        }

        var first = await system.Server.ParticipantIdAsync(1);
        using var client = await SupervisorAsync();
        var page = await client.GetStringAsync($"/cohorts/{cohortId}/report");
        var csv = await client.GetStringAsync($"/cohorts/{cohortId}/report.csv");

        Assert.Contains("Completed (attended at least 9 of 12 sessions, 75 %)", page, StringComparison.Ordinal);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("participant,attended,planned,completed,daily_step_goal,goal_days,goal_days_met,goal_adherence,mean_daily_steps,koos_ps_first,", lines[0], StringComparison.Ordinal);
        Assert.Equal(DashboardServer.GroupSize, lines.Length - 1);
        Assert.Contains(lines, l => l.StartsWith(first + ",", StringComparison.Ordinal));
        Assert.DoesNotContain("Demo participant", csv, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/sessions/99999/report.csv")]
    [InlineData("/cohorts/99999/report.csv")]
    [InlineData("/sessions/99999/report")]
    public async Task Reports_UnknownId_NotFound(string path)
    {
        using var client = await SupervisorAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task Reports_Participant_Forbidden()
    {
        using var client = HttpAccessTests.NewClient(system.Server);
        await DashboardPages.LogInAsync(client, "participant08", DashboardServer.ParticipantPassword);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/sessions/1/report.csv")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/cohorts/1/report")).StatusCode);
    }
}
