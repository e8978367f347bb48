using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using Microsoft.Playwright;
using Movement.TestSupport;
using Xunit.Abstractions;
using Xunit.Sdk;
using static Microsoft.Playwright.Assertions;

namespace Movement.System.Tests;

/// <summary>Tests that take the README's fixed ports (localhost:5080, broker 127.0.0.1:1883): never two at once.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReadmePortsCollection
{
    public const string Name = "README ports";
}

/// <summary>
/// What a new user gets, as real processes: the README's <c>dotnet run --project dashboard/Movement.Dashboard</c> from
/// the repository root, and the published app run from its folder, both in the default (Production) environment with
/// the shipped appsettings.json, driven by headless Chromium. The source run keeps its data where the README says
/// (<c>dashboard/Movement.Dashboard/data/</c>, git-ignored): a folder left by an earlier run only makes the demo resume
/// its session, which is what a returning user sees.
/// </summary>
[Trait("Category", "Integration")]
[Collection(ReadmePortsCollection.Name)]
public sealed class FirstRunTests(ITestOutputHelper output) : IAsyncLifetime
{
    public const string BaseUrl = "http://localhost:5080";
    private const int HttpPort = 5080;
    private const int BrokerPort = 1883;
    private const string SupervisorUser = "supervisor";
    private const string SupervisorPassword = "Demo-supervisor-2026";

    /// <summary>The shipped blue of the top bar (app.css): only a page whose stylesheet loaded has it.</summary>
    private const string TopbarBackground = "rgb(18, 59, 92)";

    // Readiness, not speed: a first `dotnet run` builds the whole system, minutes on a busy 2-core machine.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(12);
    private static readonly TimeSpan RepTimeout = TimeSpan.FromMinutes(5);

    private ChromiumBrowser? _chromium;

    public async Task InitializeAsync() => _chromium = await ChromiumBrowser.LaunchAsync();

    [Fact]
    public async Task ReadmeCommand_DefaultEnvironment_StyledLivePageChartAndNoConsoleErrors()
    {
        var clock = Stopwatch.StartNew();
        await using var app = StartApp("dotnet", ["run", "--project", "dashboard/Movement.Dashboard"], RepositoryRoot.Path);
        try
        {
            var timings = new List<(string What, TimeSpan After)>();
            using var http = NewHttpClient();
            timings.Add(("/healthz answers", await WaitAnswersAsync(http, "/healthz", app, clock)));
            timings.Add(("login page answers", await WaitAnswersAsync(http, "/account/login", app, clock)));
            await AssertStaticAssetsServedAsync(http);

            var (page, problems) = await NewPageAsync();
            await SignInAsync(page);
            Assert.Equal(TopbarBackground, await page.Locator(".topbar").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));

            // The demo session starts (or resumes) by itself; the simulated class's reps arrive without a reload.
            await page.EvaluateAsync("() => { window.__sameDocument = true; }");
            await Expect(page.Locator("[data-testid=session-number]")).ToBeVisibleAsync(new() { Timeout = (float)RepTimeout.TotalMilliseconds });
            var reps = page.Locator("[data-testid=group-grid] [data-testid=reps]");
            await Expect(reps.First).ToBeVisibleAsync(new() { Timeout = (float)RepTimeout.TotalMilliseconds });
            var before = await RepCountsAsync(page);
            await page.WaitForFunctionAsync(
                "() => [...document.querySelectorAll('[data-testid=group-grid] [data-testid=reps]')].some(e => +e.textContent > 0)",
                null, new() { Timeout = (float)RepTimeout.TotalMilliseconds });
            timings.Add(("first rep shown on /live", clock.Elapsed));
            await page.WaitForFunctionAsync(
                "before => [...document.querySelectorAll('[data-testid=group-grid] [data-testid=reps]')].map(e => e.textContent).join(',') !== before",
                before, new() { Timeout = (float)RepTimeout.TotalMilliseconds });
            Assert.NotEqual(before, await RepCountsAsync(page));
            Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page reloaded");
            await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("first-run-live.png"), FullPage = true });

            var participant = await page.Locator("[data-testid=group-grid] section.tile").First.GetAttributeAsync("data-participant");

            // The running session's report lists the class, reached from the live page's header.
            await page.ClickAsync("[data-testid=live-report-link]");
            await DashboardPages.WaitInteractiveAsync(page);
            await Expect(page.Locator("[data-testid=session-report] tbody tr").First).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("first-run-session-report.png"), FullPage = true });

            // A participant's page draws its 30-day chart.
            await page.GotoAsync($"/participant/{participant}");
            await DashboardPages.WaitInteractiveAsync(page);
            await page.WaitForFunctionAsync(
                """
                () => {
                  const canvas = document.getElementById('steps-chart');
                  if (!canvas || !window.Chart || !Chart.getChart(canvas) || canvas.width === 0) return false;
                  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
                  return false;
                }
                """, null, new() { Timeout = 60_000 });
            await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("first-run-participant.png"), FullPage = true });

            Assert.True(problems.Count == 0, "browser console errors:\n" + string.Join("\n", problems));
            await page.Context.CloseAsync();
            Report("dotnet run (README command)", timings);
        }
        catch (Exception ex) when (ex is not XunitException)
        {
            throw new XunitException($"{ex.Message}\n--- dashboard output ---\n{Tail(app.Output)}", ex);
        }
    }

    [Fact]
    public async Task PublishedApp_RunFromItsFolder_ServesAssetsAndPagesAreInteractive()
    {
        var folder = Directory.CreateTempSubdirectory("movement-published-").FullName;
        try
        {
            await PublishAsync(folder);
            await using var app = StartApp("dotnet", ["Movement.Dashboard.dll"], folder);
            try
            {
                using var http = NewHttpClient();
                var clock = Stopwatch.StartNew();
                await WaitAnswersAsync(http, "/healthz", app, clock);
                await AssertStaticAssetsServedAsync(http);

                var (page, problems) = await NewPageAsync();
                await SignInAsync(page);
                Assert.Equal(TopbarBackground, await page.Locator(".topbar").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));

                // A click is handled by the circuit: End session asks first (and "No" leaves the demo running).
                var end = page.Locator("[data-testid=end-session]");
                await Expect(end).ToBeVisibleAsync(new() { Timeout = (float)RepTimeout.TotalMilliseconds });
                await end.ClickAsync();
                await Expect(page.Locator("[data-testid=confirm]")).ToContainTextAsync("End session 1 of 12 now?");
                await page.ClickAsync("[data-testid=confirm-no]");
                await Expect(page.Locator("[data-testid=confirm]")).ToHaveCountAsync(0);
                await Expect(end).ToBeVisibleAsync();

                Assert.True(problems.Count == 0, "browser console errors:\n" + string.Join("\n", problems));
                await page.Context.CloseAsync();
            }
            catch (Exception ex) when (ex is not XunitException)
            {
                throw new XunitException($"{ex.Message}\n--- published app output ---\n{Tail(app.Output)}", ex);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Starts a process as a user's shell would: no environment name, URLs or settings from the test runner (a
    /// runner with ASPNETCORE_ENVIRONMENT=Development would otherwise hide exactly what this test looks for).
    /// Build processes are told not to linger after the build, so the test leaves nothing running.
    /// </summary>
    private static RunningApp StartApp(string fileName, IEnumerable<string> arguments, string workingDirectory)
    {
        AssertPortFree(HttpPort);
        AssertPortFree(BrokerPort);
        return new RunningApp(ServerProcess.Start(fileName, arguments, workingDirectory, BuildQuietly, InheritedButNotAUsers()));
    }

    private static Dictionary<string, string> BuildQuietly => new()
    {
        ["MSBUILDDISABLENODEREUSE"] = "1",
        ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
        ["UseSharedCompilation"] = "false",
    };

    private static List<string> InheritedButNotAUsers() =>
        Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(name =>
            name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("Movement__", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
            || name is "DOTNET_ENVIRONMENT" or "DOTNET_URLS" or "DOTNET_RUNNING_IN_CONTAINER")
        .ToList();

    private async Task PublishAsync(string folder)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["publish", "dashboard/Movement.Dashboard", "-o", folder])
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var name in InheritedButNotAUsers())
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in BuildQuietly)
        {
            info.Environment[name] = value;
        }

        using var publish = Process.Start(info)!;
        var stdout = publish.StandardOutput.ReadToEndAsync();
        var stderr = publish.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            await publish.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            publish.Kill(entireProcessTree: true);
            throw;
        }

        Assert.True(publish.ExitCode == 0, $"dotnet publish failed:\n{await stdout}\n{await stderr}");
        output.WriteLine(Tail(await stdout));
    }

    /// <summary>blazor.web.js and app.css: a non-empty body as is, and the same bytes when the client negotiates compression.</summary>
    private static async Task AssertStaticAssetsServedAsync(HttpClient http)
    {
        foreach (var path in (string[])["/_framework/blazor.web.js", "/app.css", "/lib/chart.js/chart.umd.min.js", "/charts.js", "/favicon.svg"])
        {
            using var plain = await http.GetAsync(path);
            Assert.True(plain.StatusCode == HttpStatusCode.OK, $"{path}: {(int)plain.StatusCode}");
            var identity = await plain.Content.ReadAsByteArrayAsync();
            Assert.True(identity.Length > 0, $"{path}: empty body");

            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, deflate, br, zstd");
            using var negotiated = await http.SendAsync(request);
            Assert.True(negotiated.StatusCode == HttpStatusCode.OK, $"{path} (compressed): {(int)negotiated.StatusCode}");
            var encoding = negotiated.Content.Headers.ContentEncoding.SingleOrDefault();
            await using var body = await negotiated.Content.ReadAsStreamAsync();
            await using Stream decoded = encoding switch
            {
                "gzip" => new GZipStream(body, CompressionMode.Decompress),
                "br" => new BrotliStream(body, CompressionMode.Decompress),
                null => body,
                _ => throw new XunitException($"{path}: unexpected Content-Encoding {encoding}"),
            };
            using var bytes = new MemoryStream();
            await decoded.CopyToAsync(bytes);
            Assert.True(identity.AsSpan().SequenceEqual(bytes.ToArray()), $"{path} with Content-Encoding {encoding ?? "none"}: {bytes.Length} bytes, not the file's {identity.Length}");
        }
    }

    private async Task<(IPage Page, List<string> Problems)> NewPageAsync()
    {
        var context = await _chromium!.NewContextAsync(BaseUrl);
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (problems)
                {
                    problems.Add($"console: {message.Text} ({message.Location})");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (problems)
            {
                problems.Add("page error: " + error);
            }
        };
        return (page, problems);
    }

    /// <summary>Signs in as the README's supervisor, who lands on the live page.</summary>
    private static async Task SignInAsync(IPage page)
    {
        await DashboardPages.SignInAsync(page, SupervisorUser, SupervisorPassword);
        Assert.EndsWith("/live", page.Url, StringComparison.Ordinal);
    }

    private static Task<string> RepCountsAsync(IPage page) =>
        page.EvaluateAsync<string>("() => [...document.querySelectorAll('[data-testid=group-grid] [data-testid=reps]')].map(e => e.textContent).join(',')");

    private static HttpClient NewHttpClient() =>
        new(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(BaseUrl),
            Timeout = TimeSpan.FromSeconds(100),
        };

    /// <summary>Waits until <paramref name="path"/> answers 200; returns the time since the command was given.</summary>
    private static async Task<TimeSpan> WaitAnswersAsync(HttpClient http, string path, RunningApp app, Stopwatch clock)
    {
        while (true)
        {
            if (app.Process.HasExited)
            {
                throw new XunitException($"the app exited before {path} answered");
            }

            try
            {
                using var response = await http.GetAsync(path);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return clock.Elapsed;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (clock.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"{path} did not answer within {StartTimeout}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    private static void AssertPortFree(int port) =>
        Assert.False(IsListening(port), $"Something already listens on port {port} (the README's ports): stop the dashboard running there before this test.");

    private static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void Report(string run, List<(string What, TimeSpan After)> timings)
    {
        var line = $"{DateTime.UtcNow:u} {run}: " + string.Join(", ", timings.Select(t => $"{t.What} after {t.After.TotalSeconds:F1} s"));
        output.WriteLine(line);
        File.AppendAllText(Path.Combine(Path.GetTempPath(), "movement-first-run.txt"), line + Environment.NewLine);
    }

    private static string Tail(string text) => text.Length > 20_000 ? text[^20_000..] : text;

    public async Task DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }
    }

    /// <summary>The app's whole process tree, killed on dispose; the README's ports are free again afterwards.</summary>
    private sealed class RunningApp(ServerProcess process) : IAsyncDisposable
    {
        public ServerProcess Process { get; } = process;

        public string Output => Process.Output;

        public async ValueTask DisposeAsync()
        {
            await Process.DisposeAsync();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((IsListening(HttpPort) || IsListening(BrokerPort)) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }

            Assert.False(IsListening(HttpPort) || IsListening(BrokerPort), "the README's ports are still taken after the app's process tree was killed");
        }
    }
}
