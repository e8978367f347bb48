using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Movement.Dashboard.Data;
using Movement.Dashboard.HomeSteps;
using Movement.Store;

namespace Movement.Dashboard.Tests.HomeSteps.Import;

/// <summary>Confirmed imports stored as reported steps in a real (migrated) dashboard database, and counted by the store's rules.</summary>
public sealed class ImportedStepsTests : IAsyncLifetime
{
    private const string Participant = "p-import1";
    private readonly string _directory = Directory.CreateTempSubdirectory("movement-imported-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
    private PooledDbContextFactory<DashboardDbContext> _factory = null!;

    public async Task InitializeAsync()
    {
        _factory = new PooledDbContextFactory<DashboardDbContext>(
            new DbContextOptionsBuilder<DashboardDbContext>().UseSqlite($"Data Source={Path.Combine(_directory, "dashboard.db")}").Options);
        await using var db = await _factory.CreateDbContextAsync();
        await DashboardDatabaseInitialiser.MigrateAsync(db, NullLogger.Instance, CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    private ReportedSteps Reported(string zone = "Europe/London") => new(_factory, Options.Create(new StoreOptions { TimeZone = zone }), _time);

    private async Task<StepImportPreview> PreviewAsync(string xml)
    {
        var path = Path.Combine(_directory, "export.xml");
        await File.WriteAllTextAsync(path, xml);
        return await StepImporterTests.NewImporter(_directory, _time.GetUtcNow()).ReadAsync(path, StepImporterTests.FirstDay, CancellationToken.None);
    }

    private async Task<List<ReportedStepInterval>> RowsAsync()
    {
        await using var db = await _factory.CreateDbContextAsync();
        return await db.ReportedStepIntervals.AsNoTracking().OrderBy(r => r.Id).ToListAsync();
    }

    [Fact]
    public async Task SaveImportAsync_SameFileTwice_SecondChangesNothing()
    {
        var preview = await PreviewAsync(StepExports.AppleAcrossClockChanges());
        var first = await Reported().SaveImportAsync(Participant, preview, CancellationToken.None);
        var rows = await RowsAsync();
        _time.Advance(TimeSpan.FromHours(1));

        var second = await Reported().SaveImportAsync(Participant, await PreviewAsync(StepExports.AppleAcrossClockChanges()), CancellationToken.None);

        Assert.Equal(new StepImportResult(6, 0, 0), first);
        Assert.Equal(new StepImportResult(0, 0, 6), second);
        Assert.Equal(rows.Select(r => (r.Id, r.StepImportSourceId, r.StartUtcTicks, r.EndUtcTicks, r.Steps, r.ReceivedAt)),
            (await RowsAsync()).Select(r => (r.Id, r.StepImportSourceId, r.StartUtcTicks, r.EndUtcTicks, r.Steps, r.ReceivedAt)));
        await using var db = await _factory.CreateDbContextAsync();
        Assert.Equal([StepExports.Watch, StepExports.IPhone], await db.StepImportSources.OrderBy(s => s.Name).Select(s => s.Name).ToListAsync());
        Assert.All(await db.StepImportSources.ToListAsync(), s => Assert.Equal(rows[0].ReceivedAt, s.LastImportedAt));
    }

    [Fact]
    public async Task DailyAsync_IPhoneWatchAndAToken_EachDayCountsItsLargestSource()
    {
        await Reported().SaveImportAsync(Participant, await PreviewAsync(StepExports.AppleAcrossClockChanges()), CancellationToken.None);
        var token = new DeviceToken { Id = 7, ParticipantId = Participant, Name = "hub", TokenHash = "x" };
        var day28 = new DateTimeOffset(2026, 3, 28, 9, 0, 0, TimeSpan.Zero);
        await Reported().SaveAsync(token, [new StepInterval(day28, day28.AddHours(1), 1000, "x")], CancellationToken.None);

        var days = await Reported().DailyAsync(Participant, new DateOnly(2026, 3, 27), new DateOnly(2026, 10, 31), CancellationToken.None);

        Assert.Equal(new Dictionary<DateOnly, long>
        {
            [new DateOnly(2026, 3, 28)] = 1000, // the token's 1,000 over the iPhone's 300
            [new DateOnly(2026, 3, 29)] = 900,  // the Watch's 900 over the iPhone's 800: not added up
            [new DateOnly(2026, 3, 30)] = 100,
            [new DateOnly(2026, 10, 25)] = 500,
            [new DateOnly(2026, 10, 26)] = 250,
        }.OrderBy(d => d.Key), days.OrderBy(d => d.Key));
    }

    [Fact]
    public async Task SaveImportAsync_LaterExportWithACorrectedDay_ReplacesThatDayOnly()
    {
        await Reported().SaveImportAsync(Participant, await PreviewAsync(StepExports.AppleAcrossClockChanges()), CancellationToken.None);
        var corrected = StepExports.AppleAcrossClockChanges().Replace("value=\"900\"", "value=\"1200\"", StringComparison.Ordinal);

        var result = await Reported().SaveImportAsync(Participant, await PreviewAsync(corrected), CancellationToken.None);

        Assert.Equal(new StepImportResult(0, 1, 5), result);
        Assert.Equal(1200, (await Reported().DailyAsync(Participant, new DateOnly(2026, 3, 29), new DateOnly(2026, 3, 29), CancellationToken.None))[new DateOnly(2026, 3, 29)]);
        Assert.Equal(6, (await RowsAsync()).Count);
    }

    [Fact]
    public async Task SaveImportAsync_AfterTheSiteTimeZoneChanged_ReplacesTheSourcesOverlappingDays()
    {
        var preview = await PreviewAsync(StepExports.AppleAcrossClockChanges());
        await Reported().SaveImportAsync(Participant, preview, CancellationToken.None);

        // The same days, now an hour earlier (Paris): London's rows for those dates go, so days do not overlap and merge.
        await Reported("Europe/Paris").SaveImportAsync(Participant, preview, CancellationToken.None);

        var rows = await RowsAsync();
        Assert.Equal(6, rows.Count);
        Assert.Equal(preview.Days.Sum(d => d.Steps), rows.Sum(r => r.Steps));
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        Assert.All(rows, r => Assert.Equal(TimeSpan.Zero, TimeZoneInfo.ConvertTime(new DateTimeOffset(r.StartUtcTicks, TimeSpan.Zero), paris).TimeOfDay));
    }
}
