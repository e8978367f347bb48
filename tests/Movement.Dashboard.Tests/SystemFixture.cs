using Microsoft.Playwright;
using Movement.TestSupport;

namespace Movement.Dashboard.Tests;

/// <summary>The browser tests share one running system; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<SystemFixture>
{
    public const string Name = "running system";
}

/// <summary>One running system and one headless Chromium shared by the browser and HTTP tests.</summary>
public sealed class SystemFixture : IAsyncLifetime
{
    public DashboardServer Server { get; private set; } = null!;

    public ChromiumBrowser Chromium { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await DashboardServer.StartAsync();
        Chromium = await ChromiumBrowser.LaunchAsync();
    }

    public async Task<IPage> LoggedInPageAsync(string user, string password, int width = 1280, int height = 800)
    {
        var context = await Chromium.NewContextAsync(Server.BaseUrl, width, height);
        var page = await context.NewPageAsync();
        await DashboardPages.SignInAsync(page, user, password);
        return page;
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
