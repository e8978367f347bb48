using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using Movement.Dashboard.Data;
using Movement.Dashboard.Programme;
using Movement.Store;
using Movement.Store.Steps;
using Movement.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Movement.Dashboard.Tests.HomeSteps.Import;

/// <summary>
/// File import on the participant page in Chromium against a running dashboard whose programme began 20 days ago:
/// an export.xml uploaded, previewed, confirmed, the days on the page; the same file again changes nothing; a bad file
/// says what was wrong and stores nothing.
/// </summary>
[Trait("Category", "Integration")]
public sealed class StepImportBrowserTests(StepsApiFixture fixture) : IClassFixture<StepsApiFixture>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("movement-upload-").FullName;

    private DashboardServer Server => fixture.Server;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<(DateOnly Today, TimeZoneInfo Zone)> CalendarAsync()
    {
        await using var scope = Server.Services.CreateAsyncScope();
        return (scope.ServiceProvider.GetRequiredService<ProgrammeQueries>().Today,
            scope.ServiceProvider.GetRequiredService<IOptions<StoreOptions>>().Value.GetTimeZone());
    }

    private async Task<int> StoredDaysAsync(string participantId)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DashboardDbContext>().ReportedStepIntervals.CountAsync(r => r.ParticipantId == participantId);
    }

    /// <summary>Apple's date format for a local time of <paramref name="day"/> in the site's zone.</summary>
    private static string At(DateOnly day, int hour, TimeZoneInfo zone)
    {
        var instant = TimeZoneInfo.ConvertTime(DailyStepCalculator.DayStartUtc(day, zone).AddHours(hour), zone);
        return instant.ToString("yyyy-MM-dd HH:mm:ss ", CultureInfo.InvariantCulture) + instant.ToString("zzz", CultureInfo.InvariantCulture).Replace(":", "", StringComparison.Ordinal);
    }

    /// <summary>Participant <paramref name="number"/>'s own page, signed in as them.</summary>
    private async Task<IPage> ParticipantPageAsync(int number, string participantId)
    {
        var context = await fixture.Chromium.NewContextAsync(Server.BaseUrl);
        var page = await context.NewPageAsync();
        await DashboardPages.SignInAsync(page, $"participant{number:D2}", DashboardServer.ParticipantPassword);
        await page.GotoAsync($"/participant/{participantId}");
        await DashboardPages.WaitInteractiveAsync(page);
        return page;
    }

    /// <summary>
    /// Chooses the file, again if the page showed nothing for it: a file chosen before Blazor's InputFile has hooked
    /// the input fires a change nobody hears.
    /// </summary>
    private static async Task UploadAsync(IPage page, string path)
    {
        var answered = page.Locator("[data-testid=import-busy], [data-testid=import-message], [data-testid=import-preview]");
        for (var attempt = 1; ; attempt++)
        {
            await page.SetInputFilesAsync("#import-file", path);
            try
            {
                await answered.First.WaitForAsync(new() { Timeout = 15_000 });
                return;
            }
            catch (TimeoutException) when (attempt < 3)
            {
            }
        }
    }

    [Fact]
    public async Task UploadExportXml_PreviewThenConfirm_DaysOnThePage_SameFileAgainChangesNothing()
    {
        const int participant = 9;
        var participantId = await Server.ParticipantIdAsync(participant);
        var (today, zone) = await CalendarAsync();
        var (yesterday, twoDaysAgo, longAgo) = (today.AddDays(-1), today.AddDays(-2), today.AddDays(-StepsApiFixture.ProgrammeDaysAgo - 10));
        var path = Path.Combine(_directory, "export.xml");
        await File.WriteAllTextAsync(path, StepExports.AppleHeader
            + StepExports.AppleSteps(StepExports.IPhone, At(yesterday, 9, zone), At(yesterday, 10, zone), "3100")
            + StepExports.AppleSteps(StepExports.Watch, At(yesterday, 9, zone), At(yesterday, 10, zone), "3400")
            + StepExports.AppleSteps(StepExports.IPhone, At(twoDaysAgo, 17, zone), At(twoDaysAgo, 18, zone), "2750")
            + StepExports.AppleSteps(StepExports.IPhone, At(longAgo, 12, zone), At(longAgo, 13, zone), "999")
            + StepExports.AppleFooter);
        var page = await ParticipantPageAsync(participant, participantId);

        await UploadAsync(page, path);

        var preview = page.Locator("[data-testid=import-preview]");
        await Expect(preview.Locator("tbody tr")).ToHaveCountAsync(3);
        await Expect(preview.Locator($"tr[data-date='{yesterday:yyyy-MM-dd}'][data-source='{StepExports.Watch}'] .steps")).ToHaveTextAsync("3,400");
        await Expect(preview.Locator($"tr[data-date='{twoDaysAgo:yyyy-MM-dd}'] .steps")).ToHaveTextAsync("2,750");
        await Expect(page.Locator("[data-testid=import-summary]")).ToContainTextAsync("1 days before");
        Assert.Equal(0, await StoredDaysAsync(participantId)); // nothing stored before the confirmation

        await page.ClickAsync("#confirm-import");

        await Expect(page.Locator("[data-testid=import-message]")).ToContainTextAsync("3 days added, 0 updated, 0 already there");
        Assert.Equal(3, await StoredDaysAsync(participantId));
        await page.ReloadAsync();
        await DashboardPages.WaitInteractiveAsync(page);
        // The page counts the larger of the iPhone and the Watch on the same day, as it does for any two devices.
        await Expect(page.Locator($"[data-testid=device-days] li[data-date='{yesterday:yyyy-MM-dd}'] .steps")).ToHaveTextAsync("3,400");
        await Expect(page.Locator($"[data-testid=device-days] li[data-date='{twoDaysAgo:yyyy-MM-dd}'] .steps")).ToHaveTextAsync("2,750");
        await Expect(page.Locator("[data-testid=import-sources]")).ToContainTextAsync(StepExports.Watch);

        await UploadAsync(page, path);
        await Expect(page.Locator("[data-testid=import-preview] tbody tr")).ToHaveCountAsync(3);
        await page.ClickAsync("#confirm-import");

        await Expect(page.Locator("[data-testid=import-message]")).ToContainTextAsync("Nothing changed: all 3 days");
        Assert.Equal(3, await StoredDaysAsync(participantId));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task UploadGadgetbridgeDatabase_PreviewThenConfirm_DaysOnThePage()
    {
        const int participant = 7;
        var participantId = await Server.ParticipantIdAsync(participant);
        var (today, zone) = await CalendarAsync();
        var yesterday = today.AddDays(-1);
        var path = Path.Combine(_directory, "Gadgetbridge");
        using (var gb = StepExports.NewGadgetbridge(path, StepExports.MiBandTable))
        {
            StepExports.AddDevice(gb, 1, "Mi Smart Band 6", "C8:0F:10:AA:BB:07");
            var morning = DailyStepCalculator.DayStartUtc(yesterday, zone).AddHours(8);
            for (var minute = 0; minute < 30; minute++)
            {
                StepExports.AddSample(gb, StepExports.MiBandTable, 1, morning.AddMinutes(minute), 95);
            }
        }

        var page = await ParticipantPageAsync(participant, participantId);

        await UploadAsync(page, path);

        await Expect(page.Locator("[data-testid=import-summary]")).ToContainTextAsync("Gadgetbridge");
        await Expect(page.Locator($"[data-testid=import-preview] tr[data-date='{yesterday:yyyy-MM-dd}'][data-source='Mi Smart Band 6'] .steps")).ToHaveTextAsync("2,850");
        await page.ClickAsync("#confirm-import");
        await Expect(page.Locator("[data-testid=import-message]")).ToContainTextAsync("1 days added");
        await page.ReloadAsync();
        await DashboardPages.WaitInteractiveAsync(page);
        await Expect(page.Locator($"[data-testid=device-days] li[data-date='{yesterday:yyyy-MM-dd}'] .steps")).ToHaveTextAsync("2,850");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task UploadNegativeSteps_RefusedWithTheLineAndNothingStored()
    {
        const int participant = 10;
        var participantId = await Server.ParticipantIdAsync(participant);
        var (today, zone) = await CalendarAsync();
        var path = Path.Combine(_directory, "export.xml");
        await File.WriteAllTextAsync(path, StepExports.AppleHeader
            + StepExports.AppleSteps(StepExports.IPhone, At(today.AddDays(-1), 9, zone), At(today.AddDays(-1), 10, zone), "1200")
            + StepExports.AppleSteps(StepExports.IPhone, At(today.AddDays(-1), 11, zone), At(today.AddDays(-1), 12, zone), "-40")
            + StepExports.AppleFooter);
        var page = await ParticipantPageAsync(participant, participantId);

        await UploadAsync(page, path);

        await Expect(page.Locator("[data-testid=import-message]")).ToContainTextAsync("export.xml was not imported: line 22: value -40 is a negative count of steps.");
        await Expect(page.Locator("[data-testid=import-preview]")).ToHaveCountAsync(0);
        Assert.Equal(0, await StoredDaysAsync(participantId));
        await page.Context.CloseAsync();
    }
}
