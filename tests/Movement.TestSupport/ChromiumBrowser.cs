using Microsoft.Playwright;

namespace Movement.TestSupport;

/// <summary>
/// Debian's headless Chromium driven by Playwright, with no browser download: Playwright launches the
/// packaged binary through <c>ExecutablePath</c>. Install with scripts/test.sh (apt package chromium).
/// </summary>
public sealed class ChromiumBrowser : IAsyncDisposable
{
    private static readonly string[] Candidates = ["/usr/lib/chromium/chromium", "/usr/bin/chromium"];
    private readonly IPlaywright _playwright;

    private ChromiumBrowser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static string ExecutablePath => Candidates.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("Chromium is not installed (looked for " + string.Join(", ", Candidates) + "). Run scripts/test.sh, which installs it.");

    public static async Task<ChromiumBrowser> LaunchAsync()
    {
        TestScope.EnsureServersAllowed("Chromium");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = ["--disable-dev-shm-usage", "--disable-gpu"],
            });
            return new ChromiumBrowser(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A fresh context (own cookies) with a viewport, e.g. 1280x800 for a laptop, 390x844 for a phone.</summary>
    public Task<IBrowserContext> NewContextAsync(string baseUrl, int width = 1280, int height = 800) =>
        Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, ViewportSize = new ViewportSize { Width = width, Height = height } });

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
