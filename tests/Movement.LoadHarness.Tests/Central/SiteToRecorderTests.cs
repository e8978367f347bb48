using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Movement.LoadHarness.Central;
using Movement.Store;
using Movement.TestSupport;

namespace Movement.LoadHarness.Tests.Central;

/// <summary>A simulated site, under its own account on mosquitto, into the real recorder (SQLite): what the harness measures is accepted.</summary>
[Trait("Category", "Integration")]
public sealed class SiteToRecorderTests : IAsyncDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("movement-site-recorder-");

    [Fact]
    public async Task SiteFleet_HalfAMinuteOfOneSite_RecorderStoresEveryRepSetAndAttendance()
    {
        var site = new SimulatedSite(index: 6, participants: 3);
        await using var broker = await BrokerUnderTest.StartAsync(BrokerKind.Mosquitto, null, CancellationToken.None, [site.Account], "use_username_as_clientid true");
        var builder = HarnessHost.CreateBuilder([
            .. broker.ServiceConnectionSettings(StoreOptions.SectionName, MosquittoServer.RecorderUser),
            new(StoreOptions.SectionName + ":Site", "+"),
            new(StoreOptions.SectionName + ":SqlitePath", Path.Combine(_directory.FullName, "movement.db")),
            new(StoreOptions.SectionName + ":OutboxPath", Path.Combine(_directory.FullName, "outbox.db")),
        ]);
        builder.Services.AddStore();
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await host.Services.GetServices<IHostedService>().OfType<RecorderService>().Single().Connection.WaitConnectedAsync(timeout.Token);
            await using var fleet = new SiteFleet(broker, [site]);
            await fleet.ConnectAsync(CancellationToken.None);

            // Half a minute of the site's life, published at once: started 30 s ago, everything is due now.
            var nowUs = Clock.NowUs();
            await fleet.RunAsync(nowUs - 30_000_000, nowUs, CancellationToken.None);

            var published = fleet.PublishedRecords;
            var reps = published.Where(m => m.Kind == RecordKind.Rep).Select(m => m.Key!).ToHashSet();
            Assert.Equal(0, fleet.PublishFailures);
            Assert.InRange(reps.Count, 3 * 7, 3 * 15);
            var store = host.Services.GetRequiredService<IActivityStore>();
            var from = SimulatedSite.ToTime(nowUs).AddMinutes(-1);
            var to = SimulatedSite.ToTime(nowUs).AddMinutes(1);
            await Wait.UntilAsync(async () =>
            {
                var stored = new HashSet<string>();
                foreach (var participant in new[] { "p-01", "p-02", "p-03" })
                {
                    stored.UnionWith((await store.GetRepsAsync(site.Site, participant, from, to, CancellationToken.None)).Select(r => r.EventId));
                }

                return stored.SetEquals(reps);
            }, "the store holds every rep the site published", betweenPolls: null, interval: TimeSpan.FromMilliseconds(200));

            var summary = await store.GetSessionSummaryAsync(site.Site, site.SessionId, CancellationToken.None);
            Assert.Equal(reps.Count, summary.Sum(s => s.Reps));
            var attendance = await store.GetAttendanceAsync(site.Site, DateOnly.FromDateTime(from.UtcDateTime).AddDays(-1), DateOnly.FromDateTime(to.UtcDateTime).AddDays(1), CancellationToken.None);
            Assert.Equal(["p-01", "p-02", "p-03"], attendance.Select(a => a.Participant).Order().ToArray());
        }
        finally
        {
            await host.StopAsync();
        }
    }

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
        return ValueTask.CompletedTask;
    }
}
