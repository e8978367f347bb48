using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Movement.TestSupport;

/// <summary>Steps every browser test takes on the dashboard, whether it runs in-process or as the README's process.</summary>
public static partial class DashboardPages
{
    // Readiness, not speed: signing in hashes the password and a circuit connects, seconds on a loaded 2-core machine.
    private const float ReadyTimeoutMs = 120_000;

    /// <summary>Signs in on the login page and waits until the page it lands on is interactive.</summary>
    public static async Task SignInAsync(IPage page, string user, string password)
    {
        await page.GotoAsync("/account/login");
        await page.FillAsync("#username", user);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#login");
        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal), new() { Timeout = ReadyTimeoutMs });
        await WaitInteractiveAsync(page);
    }

    /// <summary>Waits until the page's Blazor circuit is live (prerendered HTML does not yet react to clicks).</summary>
    public static Task WaitInteractiveAsync(IPage page) =>
        page.Locator("main[data-interactive=true]").WaitForAsync(new() { Timeout = ReadyTimeoutMs });

    /// <summary>Signs in over plain HTTP: fetches the login form (for its anti-forgery token and cookie) and posts it.</summary>
    public static async Task<HttpResponseMessage> LogInAsync(HttpClient client, string user, string password)
    {
        var form = await client.GetStringAsync("/account/login");
        var token = TokenField().Match(form).Groups[1].Value;
        return await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.UserName"] = user,
            ["Input.Password"] = password,
        }));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
