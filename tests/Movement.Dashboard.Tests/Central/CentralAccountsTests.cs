using System.Net;
using Movement.TestSupport;

namespace Movement.Dashboard.Tests.Central;

/// <summary>Central supervisor accounts across restarts with changed configuration, against the real host and database.</summary>
[Trait("Category", "Integration")]
public sealed class CentralAccountsTests : IDisposable
{
    private const string Password = "Central-supervisor-pw1";
    private readonly string _directory = Directory.CreateTempSubdirectory("movement-central-accounts-").FullName;

    private Task<DashboardServer> StartAsync(params (string User, string Site)[] supervisors)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Movement:Components:Gateway"] = "false",
            ["Movement:Components:Classifier"] = "false",
            ["Movement:Components:Store"] = "false",
            ["Movement:Dashboard:Seed:Enabled"] = "false",
            ["Movement:Dashboard:DatabasePath"] = Path.Combine(_directory, "dashboard.db"),
            ["Movement:Dashboard:Central:Sites:0"] = "site-a",
            ["Movement:Dashboard:Central:Sites:1"] = "site-b",
        };
        for (var i = 0; i < supervisors.Length; i++)
        {
            settings[$"Movement:Dashboard:Central:Supervisors:{i}:UserName"] = supervisors[i].User;
            settings[$"Movement:Dashboard:Central:Supervisors:{i}:Password"] = Password;
            settings[$"Movement:Dashboard:Central:Supervisors:{i}:Site"] = supervisors[i].Site;
        }

        return DashboardServer.StartAsync(settings);
    }

    private static async Task<string> SitesPageAsync(DashboardServer server, string user)
    {
        using var client = Access.HttpAccessTests.NewClient(server);
        Assert.Equal(HttpStatusCode.Redirect, (await DashboardPages.LogInAsync(client, user, Password)).StatusCode);
        return await client.GetStringAsync("/sites");
    }

    [Fact]
    public async Task StartAsync_SupervisorMovedAndAnotherRemoved_NewSiteAndNoSite()
    {
        await using (var first = await StartAsync(("sup-a", "site-a"), ("sup-b", "site-b")))
        {
            Assert.Contains("data-site=\"site-b\"", await SitesPageAsync(first, "sup-b"), StringComparison.Ordinal);
        }

        await using var second = await StartAsync(("sup-b", "site-a"));

        var moved = await SitesPageAsync(second, "sup-b");
        var removed = await SitesPageAsync(second, "sup-a");

        Assert.Contains("data-site=\"site-a\"", moved, StringComparison.Ordinal);
        Assert.DoesNotContain("data-site=\"site-b\"", moved, StringComparison.Ordinal);
        Assert.DoesNotContain("data-site=", removed, StringComparison.Ordinal);
        Assert.Contains("This account sees no site.", removed, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
