using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Movement.Messaging;
using Movement.Protocol;
using Movement.Store;
using Movement.Store.InfluxDb;
using Movement.TestSupport;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Movement.System.Tests;

/// <summary>
/// The multi-site topology of docs/deployment.md, as real processes: two site boxes (each the single-box host in
/// external-broker mode, with its simulated class, gateway and classifier, against its own mosquitto), each site's
/// mosquitto bridged over TLS to a central mosquitto by the configuration <see cref="MosquittoBridge"/> writes, and the
/// central recorder writing every site to a real influxd. Site 1's uplink goes through a relay the test cuts for a
/// minute: every event the site published (as counted on the site's own broker) must then be in central InfluxDB
/// exactly once, while site 2 kept arriving throughout.
/// </summary>
[Trait("Category", "Integration")]
public sealed class MultiSiteTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Site1 = "site-1";
    private const string Site2 = "site-2";
    private static readonly TimeSpan Outage = TimeSpan.FromMinutes(1);
    private static readonly string[] EventMeasurements = ["rep", "form_flag", "exercise_set", "exercise_change"];

    private readonly List<IAsyncDisposable> _resources = [];
    private readonly string _directory = Directory.CreateTempSubdirectory("movement-multisite-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Bridge_SiteUplinkCutForAMinute_EveryEventStoredCentrallyOnceAndOtherSiteKeptFlowing()
    {
        using var authority = TestCertificateAuthority.Create();
        var central = Track(await MosquittoServer.StartAsync(tls: authority, users:
        [
            .. MosquittoServer.Users.Where(u => u.Role != BrokerRole.Bridge),
            BridgeAccount(Site1),
            BridgeAccount(Site2),
        ]));
        var uplink1 = Track(TcpRelay.Start(central.TlsPort!.Value));
        var uplink2 = Track(TcpRelay.Start(central.TlsPort!.Value));
        var broker1 = Track(await MosquittoServer.StartAsync(users: MosquittoServer.SiteUsers(Site1), extraConfiguration: Bridge(Site1, uplink1, authority)));
        var broker2 = Track(await MosquittoServer.StartAsync(users: MosquittoServer.SiteUsers(Site2), extraConfiguration: Bridge(Site2, uplink2, authority)));

        // What each site published, counted on its own broker; and what a site-1 account sees centrally.
        var published1 = Track(await MqttProbe.ConnectAsync(broker1.ConnectionOptions(MosquittoServer.ReaderUser), "count-1", [Topics.AllEvents(Site1)]));
        var published2 = Track(await MqttProbe.ConnectAsync(broker2.ConnectionOptions(MosquittoServer.ReaderUser), "count-2", [Topics.AllEvents(Site2)]));
        var site1Viewer = Track(await MqttProbe.ConnectAsync(central.ConnectionOptions(MosquittoServer.DashboardUser), "site-1-viewer", [Topics.AllEvents("+")]));
        var ids1 = new EventLog(published1);
        var ids2 = new EventLog(published2);

        var influx = Track(await InfluxDbServer.StartAsync());
        var influxOptions = new InfluxDbOptions { Url = influx.Url, Database = "movement", RetentionPolicy = "autogen", Timeout = TimeSpan.FromSeconds(10) };
        using var recorder = StartCentralRecorder(central, influx);
        await recorder.StartAsync();
        using var query = new InfluxQlClient(influxOptions);
        await query.ExecuteAsync("CREATE DATABASE movement", CancellationToken.None);

        var box1 = Track(StartSiteBox(Site1, broker1));
        var box2 = Track(StartSiteBox(Site2, broker2));
        try
        {
            // Both sites reach the central store before the cut.
            await Wait.UntilAsync(async () => (await StoredIdsAsync(query, Site1)).Count > 0 && (await StoredIdsAsync(query, Site2)).Count > 0,
                "both sites' events are in central InfluxDB", TimeSpan.FromMinutes(4), interval: TimeSpan.FromSeconds(1));

            await uplink1.CutAsync();
            var clock = Stopwatch.StartNew();
            ids1.Collect();
            var publishedBeforeCut1 = ids1.Ids.Count;
            var storedAtCut2 = (await StoredIdsAsync(query, Site2)).Count;
            await Task.Delay(Outage);
            ids1.Collect();
            ids2.Collect();
            var publishedDuringOutage1 = ids1.Ids.Count - publishedBeforeCut1;
            var stored1 = await StoredIdsAsync(query, Site1);
            var storedAfterOutage2 = (await StoredIdsAsync(query, Site2)).Count;
            var missingAtEndOfOutage1 = ids1.Ids.Count(id => !stored1.ContainsKey(id));

            // The cut was real (site 1's new events waited at the site), and site 2 went on arriving meanwhile.
            Assert.True(publishedDuringOutage1 > 0, "site 1 published nothing during the outage");
            Assert.True(missingAtEndOfOutage1 > 0, "site 1's events reached the centre during the outage");
            Assert.True(storedAfterOutage2 > storedAtCut2, "site 2 stopped arriving while site 1 was cut off");

            uplink1.Restore();
            var restored = clock.Elapsed;
            await Wait.UntilAsync(async () =>
            {
                ids1.Collect();
                var stored = await StoredIdsAsync(query, Site1);
                return ids1.Ids.Take(publishedBeforeCut1 + publishedDuringOutage1).All(stored.ContainsKey);
            }, "site 1's queued events are in central InfluxDB", TimeSpan.FromMinutes(2), interval: TimeSpan.FromSeconds(1));
            var caughtUpAfter = clock.Elapsed - restored;

            // Stop both sites, then everything either published must be there, once.
            await box1.StopAsync();
            await box2.StopAsync();
            foreach (var (site, log) in new[] { (Site1, ids1), (Site2, ids2) })
            {
                await Wait.UntilAsync(async () =>
                {
                    log.Collect();
                    var stored = await StoredIdsAsync(query, site);
                    return log.Ids.All(stored.ContainsKey);
                }, $"every event {site} published is in central InfluxDB", TimeSpan.FromMinutes(1), interval: TimeSpan.FromSeconds(1));
                var final = await StoredIdsAsync(query, site);
                Assert.All(final, point => Assert.Equal(1, point.Value));
                Assert.Equal(log.Ids.Count, final.Count); // nothing stored that the site did not publish
                Assert.All(log.Messages, m => Assert.Equal(site, m.Site));
            }

            // The central dashboard, over the same InfluxDB: each site's supervisor sees their own site's sessions only.
            await using (var dashboard = await StartCentralDashboardAsync(central, influx))
            {
                await using var stopFirst = new StopOnDispose(dashboard);
                var session1 = ids1.Messages.Select(m => m.Session).First(s => s is not null)!;
                var session2 = ids2.Messages.Select(m => m.Session).First(s => s is not null)!;
                using var supervisor1 = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = new Uri(dashboard.Urls.First()) };
                Assert.Equal(global::System.Net.HttpStatusCode.Redirect, (await DashboardPages.LogInAsync(supervisor1, "supervisor-1", CentralPassword)).StatusCode);
                var sitePage = await supervisor1.GetStringAsync($"/sites/{Site1}");
                Assert.Contains($"data-session=\"{session1}\"", sitePage, StringComparison.Ordinal);
                // The site's demo cohort (the first in its database: key 1) arrives by reference with its session; its name stays at the site.
                Assert.Matches($"data-cohort=\"c-1\">(?:(?!</section>).)*data-session=\"{session1}\"", sitePage.ReplaceLineEndings(" "));
                Assert.DoesNotContain("Demo cohort", sitePage, StringComparison.Ordinal);
                var csv = await supervisor1.GetStringAsync($"/sites/{Site1}/sessions/{session1}/report.csv");
                Assert.Contains($"{Site1},{session1},", csv, StringComparison.Ordinal);
                Assert.Equal(global::System.Net.HttpStatusCode.NotFound, (await supervisor1.GetAsync($"/sites/{Site2}")).StatusCode);
                Assert.Equal(global::System.Net.HttpStatusCode.NotFound, (await supervisor1.GetAsync($"/sites/{Site2}/sessions/{session2}/report.csv")).StatusCode);
            }

            // Site scoping holds centrally: a site-1 account subscribed to every site got site 1's events only.
            var seenBySite1Account = site1Viewer.Drain();
            Assert.NotEmpty(seenBySite1Account);
            Assert.All(seenBySite1Account, m => Assert.StartsWith($"{Topics.Root}/{Site1}/", m.Topic, StringComparison.Ordinal));

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"site 1: {ids1.Ids.Count} events published ({publishedDuringOutage1} during the {Outage.TotalSeconds:0} s outage, {missingAtEndOfOutage1} not central at its end), "
                + $"all stored once; caught up {caughtUpAfter.TotalSeconds:0.0} s after the uplink returned (bridge reconnects: {uplink1.ConnectionsAccepted - 1}). "
                + $"site 2: {ids2.Ids.Count} events, all stored once; {storedAfterOutage2 - storedAtCut2} stored during site 1's outage."));
        }
        catch (Exception ex) when (ex is not XunitException)
        {
            throw new XunitException($"{ex.Message}\n--- site 1 ---\n{Tail(box1.Output)}\n--- site 2 ---\n{Tail(box2.Output)}", ex);
        }
        finally
        {
            await recorder.StopAsync();
        }
    }

    private static BrokerUser BridgeAccount(string site) =>
        new() { Username = $"bridge-{site}", Password = MosquittoServer.Password, Role = BrokerRole.Bridge, Site = site };

    private static string Bridge(string site, TcpRelay uplink, TestCertificateAuthority authority) => new MosquittoBridge
    {
        Site = site,
        CentralHost = "127.0.0.1",
        CentralPort = uplink.Port,
        Username = $"bridge-{site}",
        Password = MosquittoServer.Password,
        CaFile = authority.CaCertificatePath,
        ReconnectDelayMin = TimeSpan.FromSeconds(1),
        ReconnectDelayMax = TimeSpan.FromSeconds(3),
        KeepAlive = TimeSpan.FromSeconds(5),
    }.ToConfiguration();

    /// <summary>The central recorder: every site ("+") from the central broker into InfluxDB.</summary>
    private IHost StartCentralRecorder(MosquittoServer central, InfluxDbServer influx)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = Environments.Production });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Movement:Mqtt:Host"] = "127.0.0.1",
            ["Movement:Mqtt:Port"] = central.Port.ToString(CultureInfo.InvariantCulture),
            ["Movement:Store:Site"] = "+",
            ["Movement:Store:Backend"] = nameof(StoreBackend.InfluxDb),
            ["Movement:Store:InfluxDb:Url"] = influx.Url.ToString(),
            ["Movement:Store:InfluxDb:Database"] = "movement",
            ["Movement:Store:InfluxDb:RetentionPolicy"] = "autogen",
            ["Movement:Store:OutboxPath"] = Path.Combine(_directory, "central-outbox.db"),
            ["Movement:Store:SqlitePath"] = Path.Combine(_directory, "central-unused.db"),
            ["Movement:Store:Mqtt:Username"] = MosquittoServer.RecorderUser,
            ["Movement:Store:Mqtt:Password"] = MosquittoServer.Password,
            ["Movement:Store:Mqtt:ClientIdPrefix"] = "central",
        });
        builder.Services.AddStore();
        return builder.Build();
    }

    private const string CentralPassword = "Central-supervisor-2026";

    /// <summary>The central dashboard: no components of its own, reading the central InfluxDB, one supervisor per site.</summary>
    private async Task<Microsoft.AspNetCore.Builder.WebApplication> StartCentralDashboardAsync(MosquittoServer central, InfluxDbServer influx)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Urls"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Movement:Broker:Enabled"] = "false",
            ["Movement:Components:Gateway"] = "false",
            ["Movement:Components:Classifier"] = "false",
            ["Movement:Components:Store"] = "false",
            ["Movement:Mqtt:Port"] = central.Port.ToString(CultureInfo.InvariantCulture),
            ["Movement:Dashboard:Mqtt:Username"] = MosquittoServer.DashboardUser,
            ["Movement:Dashboard:Mqtt:Password"] = MosquittoServer.Password,
            ["Movement:Dashboard:DatabasePath"] = Path.Combine(_directory, "central-dashboard.db"),
            ["Movement:Dashboard:DemoSession"] = "false",
            ["Movement:Dashboard:Seed:Enabled"] = "false",
            ["Movement:Store:Backend"] = nameof(StoreBackend.InfluxDb),
            ["Movement:Store:InfluxDb:Url"] = influx.Url.ToString(),
            ["Movement:Store:InfluxDb:Database"] = "movement",
            ["Movement:Store:InfluxDb:RetentionPolicy"] = "autogen",
            ["Movement:Dashboard:Central:Sites:0"] = Site1,
            ["Movement:Dashboard:Central:Sites:1"] = Site2,
        };
        foreach (var (i, site) in new[] { (0, Site1), (1, Site2) })
        {
            settings[$"Movement:Dashboard:Central:Supervisors:{i}:UserName"] = $"supervisor-{site[^1]}";
            settings[$"Movement:Dashboard:Central:Supervisors:{i}:Password"] = CentralPassword;
            settings[$"Movement:Dashboard:Central:Supervisors:{i}:Site"] = site;
        }

        var app = Movement.Dashboard.DashboardHost.Build([], builder => builder.Configuration.AddInMemoryCollection(settings), new Microsoft.AspNetCore.Builder.WebApplicationOptions
        {
            ApplicationName = "Movement.Dashboard",
            ContentRootPath = Path.Combine(RepositoryRoot.Path, "dashboard", "Movement.Dashboard"),
            EnvironmentName = Environments.Production,
        });
        await app.StartAsync();
        return app;
    }

    /// <summary>A site box: the single-box host without its embedded broker or store, against the site's mosquitto.</summary>
    private ServerProcess StartSiteBox(string site, MosquittoServer broker)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_directory, site)).FullName;
        string[] settings =
        [
            $"--Urls=http://127.0.0.1:{FreePort.Next()}",
            "--Movement:Broker:Enabled=false",
            "--Movement:Components:Store=false",
            "--Movement:Mqtt:Host=127.0.0.1",
            $"--Movement:Mqtt:Port={broker.Port}",
            "--Movement:Mqtt:ReconnectDelayMax=00:00:02",
            "--Movement:Gateway:GatewayId=gw-1",
            $"--Movement:Gateway:Site={site}",
            $"--Movement:Gateway:Mqtt:Username={MosquittoServer.GatewayUser}",
            $"--Movement:Gateway:Mqtt:Password={MosquittoServer.Password}",
            "--Movement:Gateway:Simulator:Enabled=true",
            "--Movement:Gateway:Simulator:Sensors=3",
            "--Movement:Gateway:Simulator:ThighSensors=0",
            "--Movement:Gateway:Simulator:SampleRateHz=50",
            $"--Movement:Classifier:Site={site}",
            $"--Movement:Classifier:Mqtt:Username={MosquittoServer.ClassifierUser}",
            $"--Movement:Classifier:Mqtt:Password={MosquittoServer.Password}",
            $"--Movement:Dashboard:Site={site}",
            "--Movement:Dashboard:DemoSession=true",
            $"--Movement:Dashboard:Mqtt:Username={MosquittoServer.DashboardUser}",
            $"--Movement:Dashboard:Mqtt:Password={MosquittoServer.Password}",
            "--Movement:Dashboard:Seed:Enabled=true",
            "--Movement:Dashboard:Seed:SupervisorPassword=Site-supervisor-2026",
            "--Movement:Dashboard:Seed:ParticipantPassword=Site-participant-2026",
            "--Movement:Dashboard:Seed:Participants=3",
            "--Movement:Dashboard:Seed:PairedParticipants=0",
        ];
        return ServerProcess.Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "Movement.Dashboard.dll"), .. settings], folder,
            unsetEnvironment: Environment.GetEnvironmentVariables().Keys.Cast<string>()
                .Where(name => name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) || name.StartsWith("Movement__", StringComparison.OrdinalIgnoreCase)
                    || name is "DOTNET_ENVIRONMENT" or "DOTNET_URLS"));
    }

    /// <summary>Event ids stored for a site, each with how many points carry it (1 when nothing is duplicated).</summary>
    private static async Task<Dictionary<string, int>> StoredIdsAsync(InfluxQlClient query, string site)
    {
        var ids = new Dictionary<string, int>();
        var results = await query.QueryAsync(
            string.Join("; ", EventMeasurements.Select(m => $"SELECT event_id FROM \"{m}\" WHERE site = {InfluxQlClient.Literal(site)}")), CancellationToken.None);

        foreach (var series in results.SelectMany(r => r))
        {
            var column = series.Column("event_id");
            foreach (var row in series.Values)
            {
                var id = row[column].GetString()!;
                ids[id] = ids.GetValueOrDefault(id) + 1;
            }
        }

        return ids;
    }

    private static string Tail(string text) => text.Length <= 6000 ? text : text[^6000..];

    private T Track<T>(T resource) where T : IAsyncDisposable
    {
        _resources.Add(resource);
        return resource;
    }

    public async Task DisposeAsync()
    {
        foreach (var resource in Enumerable.Reverse(_resources))
        {
            await resource.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>The events a site's broker delivered to a counting subscriber, in arrival order, each id once.</summary>
    private sealed class EventLog(MqttProbe probe)
    {
        private readonly HashSet<string> _seen = [];

        public List<string> Ids { get; } = [];

        public List<MovementEvent> Messages { get; } = [];

        public void Collect()
        {
            foreach (var (topic, payload) in probe.Drain())
            {
                Assert.True(ProtocolJson.TryDecodeEvent(payload, out var movementEvent, out var error), $"{topic}: {error}");
                Messages.Add(movementEvent!);
                if (_seen.Add(movementEvent!.Id))
                {
                    Ids.Add(movementEvent.Id);
                }
            }
        }
    }

    /// <summary>Stops a host before it is disposed (disposing a running one tears its MQTT clients down under it).</summary>
    private sealed class StopOnDispose(IHost host) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await host.StopAsync();
    }
}
