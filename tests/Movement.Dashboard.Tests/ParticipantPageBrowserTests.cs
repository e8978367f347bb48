using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Movement.Dashboard.Programme;
using Movement.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Movement.Dashboard.Tests;

/// <summary>The participant's own page on a phone, in real Chromium: entering steps by hand says what is wrong, lists entries, undoes.</summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ParticipantPageBrowserTests(SystemFixture system)
{
    [Fact]
    public async Task ManualSteps_DayOutsideProgrammeRefused_MessageClearedOnInput_EntryListedAndUndone()
    {
        DateOnly today;
        await using (var scope = system.Server.Services.CreateAsyncScope())
        {
            today = scope.ServiceProvider.GetRequiredService<ProgrammeQueries>().Today;
        }

        var page = await system.LoggedInPageAsync("participant02", DashboardServer.ParticipantPassword, 390, 844);
        var message = page.Locator("[data-testid=steps-message]");

        // A day long before the programme, then a day in the future: refused, saying why, nothing saved.
        await page.FillAsync("#manual-date", "1990-01-01");
        await page.FillAsync("#manual-steps", "3000");
        await page.ClickAsync("#save-steps");
        await Expect(message).ToContainTextAsync("1 Jan 1990 is before the programme began");
        await page.FillAsync("#manual-date", today.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await page.ClickAsync("#save-steps");
        await Expect(message).ToContainTextAsync("is in the future");
        await Expect(page.Locator("[data-testid=manual-entries]")).ToHaveCountAsync(0);

        // A new entry clears the old message before anything is saved.
        await page.FillAsync("#manual-date", today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await page.Keyboard.PressAsync("Tab");
        await Expect(message).ToHaveCountAsync(0);

        await page.ClickAsync("#save-steps");
        var day = today.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture);
        await Expect(message).ToContainTextAsync($"Saved 3,000 steps for {day}.");
        var entry = page.Locator($"[data-testid=manual-entries] li[data-date='{today:yyyy-MM-dd}']");
        await Expect(entry).ToContainTextAsync("3,000 steps");

        // Undo takes the entry away again (there was none before it).
        await page.ClickAsync("#undo-steps");
        await Expect(entry).ToHaveCountAsync(0);
        await Expect(message).ToContainTextAsync($"Undone: no entry for {day}.");

        // Saved again, then removed from the list, then the removal undone: the entry is back.
        await page.ClickAsync("#save-steps");
        await Expect(entry).ToBeVisibleAsync();
        await entry.Locator("[data-testid=remove-entry]").ClickAsync();
        await Expect(entry).ToHaveCountAsync(0);
        await Expect(message).ToContainTextAsync($"Removed the entry of 3,000 steps for {day}.");
        await page.ClickAsync("#undo-steps");
        await Expect(entry).ToContainTextAsync("3,000 steps");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task HomeStepCounter_SetBySupervisor_HubReadingsCountOnTheParticipantsToday()
    {
        var participantId = await system.Server.ParticipantIdAsync(9);
        var page = await system.LoggedInPageAsync(DashboardServer.SupervisorUser, DashboardServer.SupervisorPassword);
        await page.GotoAsync($"{system.Server.BaseUrl}/participant/{participantId}");
        await DashboardPages.WaitInteractiveAsync(page);
        var message = page.Locator("[data-testid=home-counter-message]");
        var before = long.Parse(await page.Locator("[data-testid=steps-today]").InnerTextAsync(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture);

        await page.FillAsync("#home-counter", "PineTime 9");
        await page.ClickAsync("#save-home-counter");
        await Expect(message).ToContainTextAsync("Sensor id 'PineTime 9' is not valid");
        await page.FillAsync("#home-counter", "pinetime-09");
        await page.ClickAsync("#save-home-counter");
        await Expect(message).ToContainTextAsync("Step counter pinetime-09 counts for this participant from now on.");

        // The participant's home hub forwards two readings of the counter: 9,000 steps in a minute.
        var now = DateTimeOffset.UtcNow;
        await using (var hub = await MqttProbe.ConnectAsync(system.Server.Mqtt.Probe(), "home-hub"))
        {
            foreach (var (time, total) in new[] { (now.AddSeconds(1), 100L), (now.AddMinutes(1), 9_100L) })
            {
                var reading = new Movement.Protocol.StepReading { Sensor = "pinetime-09", Time = time, StepsTotal = total };
                await hub.Connection.PublishAsync(Movement.Protocol.Topics.SensorSteps("site-1", "pinetime-09"), Movement.Protocol.ProtocolJson.Encode(reading), retain: false, CancellationToken.None);
            }
        }

        // The counter's minute outweighs what the class sensor counted in it (the store counts the larger of two worn at once).
        await Wait.UntilAsync(async () =>
        {
            await page.ReloadAsync();
            var today = long.Parse(await page.Locator("[data-testid=steps-today]").InnerTextAsync(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            return today >= before + 8_000;
        }, "the hub's steps show on the participant's page", interval: TimeSpan.FromMilliseconds(500));
        await Expect(page.Locator("#home-counter")).ToHaveValueAsync("pinetime-09");
        await page.Context.CloseAsync();
    }
}
