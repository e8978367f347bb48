using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Movement.Dashboard.HomeSteps;
using Movement.Store;

namespace Movement.Dashboard.Tests.HomeSteps.Import;

/// <summary>Files read into days per device (Europe/London), and bad files refused whole with a message saying what was wrong.</summary>
public sealed class StepImporterTests : IDisposable
{
    public static readonly DateOnly FirstDay = new(2026, 3, 1);

    private readonly string _directory = Directory.CreateTempSubdirectory("movement-import-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static StepImporter NewImporter(string tempDirectory, DateTimeOffset now) => new(
        Options.Create(new StepImportOptions { TempDirectory = tempDirectory }),
        Options.Create(new StoreOptions { TimeZone = "Europe/London" }),
        new FakeTimeProvider(now), NullLogger<StepImporter>.Instance);

    private StepImporter Importer => NewImporter(_directory, new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static Dictionary<(string Source, DateOnly Date), long> ByDay(StepImportPreview preview) =>
        preview.Days.ToDictionary(d => (preview.Sources[d.SourceIndex].Name, d.Date), d => d.Steps);

    private async Task<string> RefusedAsync(string path)
    {
        var refused = await Assert.ThrowsAsync<StepImportException>(() => Importer.ReadAsync(path, FirstDay, CancellationToken.None));
        Assert.Equal([path], Directory.GetFiles(_directory)); // the scratch database is gone too
        return refused.Message;
    }

    [Fact]
    public async Task ReadAsync_AppleExportAcrossBothClockChanges_DaysSplitInLocalTimePerSource()
    {
        var preview = await Importer.ReadAsync(Write("export.xml", StepExports.AppleAcrossClockChanges()), FirstDay, CancellationToken.None);

        Assert.Equal(StepImportFormat.AppleHealth, preview.Format);
        Assert.Equal(StepExports.AppleAcrossClockChangesDays.OrderBy(d => d.Key), ByDay(preview).OrderBy(d => d.Key));
        Assert.Equal(8, preview.Samples);
        Assert.Equal(0, preview.DaysBeforeFirstDay);
        Assert.Equal([Path.Combine(_directory, "export.xml")], Directory.GetFiles(_directory));
    }

    [Fact]
    public async Task ReadAsync_DaysBeforeTheFirstStepDay_LeftOutAndCounted()
    {
        var preview = await Importer.ReadAsync(Write("export.xml", StepExports.AppleAcrossClockChanges()), new DateOnly(2026, 10, 1), CancellationToken.None);

        Assert.Equal([new DateOnly(2026, 10, 25), new DateOnly(2026, 10, 26)], preview.Days.Select(d => d.Date).Order());
        Assert.Equal(3, preview.DaysBeforeFirstDay);
    }

    [Fact]
    public async Task ReadAsync_GadgetbridgeDatabase_StepTablesPerDeviceInLocalDays()
    {
        var path = Path.Combine(_directory, "Gadgetbridge");
        using (var gb = StepExports.NewGadgetbridge(path, StepExports.MiBandTable, StepExports.HuamiExtendedTable, StepExports.BangleTable))
        {
            StepExports.AddDevice(gb, 1, "Mi Smart Band 6", "C8:0F:10:AA:BB:01");
            StepExports.AddDevice(gb, 2, "Bangle.js 2", "E4:1F:20:CC:DD:02", alias: "Jo's Bangle");
            var morning = new DateTimeOffset(2026, 3, 28, 10, 0, 0, TimeSpan.Zero);
            for (var minute = 0; minute < 10; minute++)
            {
                StepExports.AddSample(gb, StepExports.MiBandTable, 1, morning.AddMinutes(minute), 100);
            }

            StepExports.AddSample(gb, StepExports.MiBandTable, 1, morning.AddMinutes(10), 0);
            StepExports.AddSample(gb, StepExports.MiBandTable, 1, morning.AddMinutes(11), -1); // not measured
            // The same minute in the newer table too (a band moved to HUAMI_EXTENDED after an update): counted once.
            StepExports.AddSample(gb, StepExports.HuamiExtendedTable, 1, morning, 100);
            // 00:30 GMT on the 29th (before the change), and 23:30 UTC on the 29th = 00:30 BST on the 30th.
            StepExports.AddSample(gb, StepExports.MiBandTable, 1, new DateTimeOffset(2026, 3, 29, 0, 30, 0, TimeSpan.Zero), 70);
            StepExports.AddSample(gb, StepExports.MiBandTable, 1, new DateTimeOffset(2026, 3, 29, 23, 30, 0, TimeSpan.Zero), 50);
            StepExports.AddSample(gb, StepExports.BangleTable, 2, morning.AddHours(2), 120);
            StepExports.Execute(gb, "INSERT INTO XIAOMI_DAILY_SUMMARY_SAMPLE (TIMESTAMP, DEVICE_ID, USER_ID, STEPS) VALUES (1774656000000, 1, 1, 99999)");
        }

        var preview = await Importer.ReadAsync(path, FirstDay, CancellationToken.None);

        Assert.Equal(StepImportFormat.Gadgetbridge, preview.Format);
        Assert.Equal(new Dictionary<(string, DateOnly), long>
        {
            [("Mi Smart Band 6", new DateOnly(2026, 3, 28))] = 1000,
            [("Mi Smart Band 6", new DateOnly(2026, 3, 29))] = 70,
            [("Mi Smart Band 6", new DateOnly(2026, 3, 30))] = 50,
            [("Jo's Bangle", new DateOnly(2026, 3, 28))] = 120,
        }.OrderBy(d => d.Key), ByDay(preview).OrderBy(d => d.Key));
        Assert.Equal(["C8:0F:10:AA:BB:01", "E4:1F:20:CC:DD:02"], preview.Sources.Select(s => s.Key).Order());
    }

    [Fact]
    public async Task ReadAsync_NotSqliteNorXml_SaysWhatItIsNot()
    {
        var message = await RefusedAsync(Write("photo.jpg", "\u00ff\u00d8\u00ff\u00e0 JFIF"));

        Assert.Contains("neither a SQLite database", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_Zip_AsksToUnzipFirst()
    {
        var path = Path.Combine(_directory, "export.zip");
        await File.WriteAllBytesAsync(path, [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00]);

        Assert.Contains("unzip it first", await RefusedAsync(path), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_SqliteWithoutGadgetbridgeTables_NamesTheMissingTable()
    {
        var path = Path.Combine(_directory, "other.db");
        using (var other = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            other.Open();
            StepExports.Execute(other, "CREATE TABLE steps (time INTEGER, count INTEGER)");
        }

        Assert.Contains("No Gadgetbridge activity-sample table (such as MI_BAND_ACTIVITY_SAMPLE)", await RefusedAsync(path), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_GadgetbridgeTableWithoutSteps_NamesTheColumn()
    {
        var path = Path.Combine(_directory, "Gadgetbridge");
        using (var gb = StepExports.NewGadgetbridge(path))
        {
            StepExports.Execute(gb, "CREATE TABLE MI_BAND_ACTIVITY_SAMPLE (TIMESTAMP INTEGER NOT NULL, DEVICE_ID INTEGER NOT NULL, USER_ID INTEGER NOT NULL, RAW_KIND INTEGER)");
        }

        Assert.Equal("MI_BAND_ACTIVITY_SAMPLE has no STEPS column: this is not Gadgetbridge's schema.", await RefusedAsync(path));
    }

    [Theory]
    [InlineData(-5, "STEPS is -5, a negative count")]
    [InlineData(2_000, "2,000 steps in 1 min is over 250 a minute")]
    public async Task ReadAsync_GadgetbridgeImpossibleSample_NamesTheRow(long steps, string expected)
    {
        var path = Path.Combine(_directory, "Gadgetbridge");
        var time = new DateTimeOffset(2026, 3, 28, 10, 0, 0, TimeSpan.Zero);
        using (var gb = StepExports.NewGadgetbridge(path, StepExports.MiBandTable))
        {
            StepExports.AddSample(gb, StepExports.MiBandTable, 1, time.AddMinutes(-1), 80);
            StepExports.AddSample(gb, StepExports.MiBandTable, 1, time, steps);
        }

        var message = await RefusedAsync(path);

        Assert.Contains($"MI_BAND_ACTIVITY_SAMPLE, DEVICE_ID 1, TIMESTAMP {time.ToUnixTimeSeconds()}", message, StringComparison.Ordinal);
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-03-28 10:00:00 +0000", "2026-03-28 10:10:00 +0000", "-3", "line 22", "value -3 is a negative count of steps")]
    [InlineData("2026-03-28 10:00:00 +0000", "2026-03-28 10:01:00 +0000", "900", "line 22", "900 steps in 1 min is over 250 a minute")]
    [InlineData("2026-03-28 10:00:00 +0000", "2026-03-28 10:10:00 +0000", "12.5", "line 22", "value \"12.5\" is not a whole number of steps")]
    [InlineData("2027-01-01 10:00:00 +0000", "2027-01-01 10:10:00 +0000", "50", "line 22", "is in the future")]
    [InlineData("1999-12-31 10:00:00 +0000", "1999-12-31 10:10:00 +0000", "50", "line 22", "is before 2000")]
    [InlineData("2026-03-28 10:10:00 +0000", "2026-03-28 10:00:00 +0000", "50", "line 22", "is not after the start")]
    [InlineData("28/03/2026 10:00", "2026-03-28 10:10:00 +0000", "50", "line 22", "startDate \"28/03/2026 10:00\" is not a date like 2026-03-29 01:30:00 +0100")]
    public async Task ReadAsync_AppleImpossibleRecord_NamesTheLineAndTheFault(string start, string end, string value, string line, string expected)
    {
        var good = StepExports.AppleSteps(StepExports.IPhone, "2026-03-27 10:00:00 +0000", "2026-03-27 10:10:00 +0000", "500");
        var path = Write("export.xml", StepExports.AppleHeader + good + StepExports.AppleSteps(StepExports.IPhone, start, end, value) + StepExports.AppleFooter);

        var message = await RefusedAsync(path);

        Assert.StartsWith(line, message, StringComparison.Ordinal);
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_AppleDayOverOneHundredThousand_NamesTheDayAndSource()
    {
        // 101 ten-minute records of 1,000 steps (100 a minute: each plausible) on one day.
        var records = string.Concat(Enumerable.Range(0, 101).Select(i =>
        {
            var start = new DateTimeOffset(2026, 5, 1, 5, 0, 0, TimeSpan.FromHours(1)).AddMinutes(10 * i);
            return StepExports.AppleSteps(StepExports.Watch, start.ToString("yyyy-MM-dd HH:mm:ss +0100"), start.AddMinutes(10).ToString("yyyy-MM-dd HH:mm:ss +0100"), "1000");
        }));

        var message = await RefusedAsync(Write("export.xml", StepExports.AppleHeader + records + StepExports.AppleFooter));

        Assert.Equal($"{StepExports.Watch} counted 101,000 steps on 2026-05-01: more than 100,000 in a day is not plausible.", message);
    }

    [Theory]
    [InlineData("<HealthData>\n<Record type=\"HKQuantityTypeIdentifierStepCount\" sourceName=\"p\" startDate=\"2026-03-28 10:00:00 +0000\" endDate=\"2026-03-28 10:10:00 +0000\" value=\"5\">\n</HealthData>", "The XML is malformed at line 3")]
    [InlineData("<?xml version=\"1.0\"?>\n<Workouts><Record/></Workouts>", "root element is <Workouts>, not <HealthData>")]
    [InlineData("<HealthData locale=\"en_GB\"><Record type=\"HKQuantityTypeIdentifierHeartRate\" sourceName=\"w\" startDate=\"2026-03-28 10:00:00 +0000\" endDate=\"2026-03-28 10:00:00 +0000\" value=\"70\"/></HealthData>", "no step counts")]
    public async Task ReadAsync_BadXml_SaysWhatWasWrong(string xml, string expected)
    {
        Assert.Contains(expected, await RefusedAsync(Write("export.xml", xml)), StringComparison.Ordinal);
    }
}
