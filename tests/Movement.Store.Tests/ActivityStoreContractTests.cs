using Movement.Protocol;
using static Movement.Store.Tests.TestData;

namespace Movement.Store.Tests;

/// <summary>
/// The behaviour every <see cref="IActivityStore"/> backend must show. Each backend runs this whole suite against a
/// real server (SQLite file; influxd behind nginx). Every test uses its own site, so tests share a server safely.
/// </summary>
public abstract class ActivityStoreContractTests
{
    protected abstract IActivityStore CreateStore(TimeZoneInfo zone);

    private IActivityStore Store(TimeZoneInfo? zone = null) => CreateStore(zone ?? London);

    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task WriteAsync_SameRecordsTwice_StoredOnce()
    {
        var store = Store();
        var site = NewSite();
        var t = Utc("2026-05-10T09:00:00Z");
        List<ActivityRecord> records =
        [
            Assign(site, "sensor-a", "p1", "2026-05-01T00:00:00Z"),
            Rep(site, "p1", "e1", t), Rep(site, "p1", "e2", t.AddSeconds(3), rep: 2),
            Reading(site, "sensor-a", "2026-05-10T08:00:00Z", 100), Reading(site, "sensor-a", "2026-05-10T09:00:00Z", 600),
            new AttendanceRecord(site, "session-1", "p1", t),
        ];

        await store.WriteAsync(records, Ct);
        await store.WriteAsync(records, Ct); // re-delivery / outbox replay

        Assert.Equal(["e1", "e2"], (await store.GetRepsAsync(site, "p1", t.AddHours(-1), t.AddHours(1), Ct)).Select(r => r.EventId));
        Assert.Equal(500, Assert.Single(await store.GetDailyStepsAsync(site, "p1", Day("2026-05-10"), Day("2026-05-10"), Ct)).Total);
        Assert.Single(await store.GetAttendanceAsync(site, Day("2026-05-10"), Day("2026-05-10"), Ct));
        var summary = Assert.Single(await store.GetSessionSummaryAsync(site, "session-1", Ct));
        Assert.Equal(2, summary.Reps);
    }

    [Fact]
    public async Task GetRepsAsync_Window_ReturnsThatParticipantsRepsInTimeOrder()
    {
        var store = Store();
        var site = NewSite();
        var t = Utc("2026-05-10T09:00:00.123Z");
        await store.WriteAsync(
        [
            Rep(site, "p1", "late", t.AddSeconds(10), ExerciseIds.MiniSquat, set: 2, rep: 7, romDeg: 65.5),
            Rep(site, "p1", "early", t, romDeg: 81.25),
            Rep(site, "p2", "other", t.AddSeconds(5)),
            Rep(site, "p1", "outside", t.AddHours(2)),
        ], Ct);

        var reps = await store.GetRepsAsync(site, "p1", t, t.AddHours(1), Ct);

        Assert.Equal(["early", "late"], reps.Select(r => r.EventId));
        Assert.Equal(new RepSummary("late", t.AddSeconds(10), "p1", "sensor-a", ExerciseIds.MiniSquat, "left", "session-1", 2, 7, 65.5, 2.0), reps[1]);
        Assert.Equal(t, reps[0].Time);
        Assert.Equal(81.25, reps[0].RomDeg);
    }

    [Fact]
    public async Task GetSessionSummaryAsync_RepsAndFlags_GroupedByParticipantAndExercise()
    {
        var store = Store();
        var site = NewSite();
        var t = Utc("2026-05-12T10:00:00Z");
        await store.WriteAsync(
        [
            Rep(site, "p1", "r1", t, set: 1, rep: 1, romDeg: 80), Rep(site, "p1", "r2", t.AddSeconds(3), set: 1, rep: 2, romDeg: 70),
            Rep(site, "p1", "r3", t.AddSeconds(60), set: 2, rep: 1, romDeg: 90),
            Rep(site, "p1", "r4", t.AddSeconds(120), ExerciseIds.HeelRaise, set: 1, rep: 1, romDeg: 20),
            Rep(site, "p2", "r5", t.AddSeconds(4), romDeg: 50),
            Rep(site, "p1", "r6", t.AddDays(3), session: "session-2"),
            Flag(site, "p1", "f1", t.AddSeconds(3), FormFlagIds.PartialRange), Flag(site, "p1", "f2", t.AddSeconds(60), FormFlagIds.PartialRange),
            Flag(site, "p1", "f3", t.AddSeconds(60), FormFlagIds.TooFast),
        ], Ct);

        var summary = await store.GetSessionSummaryAsync(site, "session-1", Ct);

        Assert.Equal(3, summary.Count);
        var heelRaise = summary[0];
        Assert.Equal(("p1", ExerciseIds.HeelRaise, 1, 1), (heelRaise.Participant, heelRaise.Exercise, heelRaise.Sets, heelRaise.Reps));
        var sts = summary[1];
        Assert.Equal(("p1", ExerciseIds.SitToStand, 2, 3), (sts.Participant, sts.Exercise, sts.Sets, sts.Reps));
        Assert.Equal(80, sts.MeanRomDeg, 6);
        Assert.Equal(new Dictionary<string, int> { [FormFlagIds.PartialRange] = 2, [FormFlagIds.TooFast] = 1 }, sts.FlagCounts);
        Assert.Empty(heelRaise.FlagCounts);
        Assert.Equal(("p2", 1), (summary[2].Participant, summary[2].Reps));
    }

    [Fact]
    public async Task GetSessionSummaryAsync_RomKinds_KindOnlyWhenEveryRepSaysTheSame()
    {
        var store = Store();
        var site = NewSite();
        var t = Utc("2026-05-12T10:00:00Z");
        await store.WriteAsync(
        [
            Rep(site, "knee", "k1", t, romKind: RomKind.Knee), Rep(site, "knee", "k2", t.AddSeconds(3), rep: 2, romKind: RomKind.Knee),
            Rep(site, "mixed", "m1", t, romKind: RomKind.Knee), Rep(site, "mixed", "m2", t.AddSeconds(3), rep: 2, romKind: RomKind.Shank),
            Rep(site, "partly", "p1", t, romKind: RomKind.Thigh), Rep(site, "partly", "p2", t.AddSeconds(3), rep: 2),
            Rep(site, "none", "n1", t),
        ], Ct);

        var kinds = (await store.GetSessionSummaryAsync(site, "session-1", Ct)).ToDictionary(s => s.Participant, s => s.RomKind);

        Assert.Equal(new Dictionary<string, RomKind?> { ["knee"] = RomKind.Knee, ["mixed"] = null, ["partly"] = null, ["none"] = null }, kinds);
    }

    [Fact]
    public async Task GetAttendanceAsync_RangeAndRewrites_LatestPerSessionAndParticipant()
    {
        var store = Store();
        var site = NewSite();
        await store.WriteAsync(
        [
            new AttendanceRecord(site, "session-1", "p1", Utc("2026-05-12T09:00:00Z")),
            new AttendanceRecord(site, "session-1", "p2", Utc("2026-05-12T09:00:00Z")),
            new AttendanceRecord(site, "session-1", "p2", Utc("2026-05-12T09:00:00Z"), Attended: false),
            new AttendanceRecord(site, "session-2", "p1", Utc("2026-05-14T09:00:00Z")),
            new AttendanceRecord(site, "session-3", "p1", Utc("2026-05-19T09:00:00Z")),
        ], Ct);

        var attendance = await store.GetAttendanceAsync(site, Day("2026-05-12"), Day("2026-05-14"), Ct);

        Assert.Equal(
        [
            new AttendanceRecord(site, "session-1", "p1", Utc("2026-05-12T09:00:00Z")),
            new AttendanceRecord(site, "session-1", "p2", Utc("2026-05-12T09:00:00Z"), Attended: false),
            new AttendanceRecord(site, "session-2", "p1", Utc("2026-05-14T09:00:00Z")),
        ], attendance);
    }

    [Fact]
    public async Task GetAttendanceAsync_CohortReference_KeptAndNotLostByRewriteWithout()
    {
        var store = Store();
        var site = NewSite();
        var t = Utc("2026-05-12T09:00:00Z");
        await store.WriteAsync(
        [
            new AttendanceRecord(site, "session-1", "p1", t, Cohort: "c-4", SessionNumber: 2, SessionsPlanned: 12),
            new AttendanceRecord(site, "session-9", "p1", t.AddHours(1)),
        ], Ct);
        await store.WriteAsync([new AttendanceRecord(site, "session-1", "p1", t)], Ct);

        var attendance = await store.GetAttendanceAsync(site, Day("2026-05-12"), Day("2026-05-12"), Ct);

        Assert.Equal(
        [
            new AttendanceRecord(site, "session-1", "p1", t, Cohort: "c-4", SessionNumber: 2, SessionsPlanned: 12),
            new AttendanceRecord(site, "session-9", "p1", t.AddHours(1)),
        ], attendance);
    }

    [Fact]
    public async Task GetOutcomesAsync_CorrectedScore_LatestWins()
    {
        var store = Store();
        var site = NewSite();
        await store.WriteAsync(
        [
            new OutcomeRecord(site, "p1", "sit_to_stand_30s", "first_session", 9, Utc("2026-05-05T10:00:00Z"), "reps"),
            new OutcomeRecord(site, "p1", "sit_to_stand_30s", "first_session", 10, Utc("2026-05-05T10:05:00Z"), "reps"),
            new OutcomeRecord(site, "p1", "sit_to_stand_30s", "last_session", 14, Utc("2026-06-12T10:00:00Z"), "reps"),
            new OutcomeRecord(site, "p2", "sit_to_stand_30s", "first_session", 7, Utc("2026-05-05T10:00:00Z"), "reps"),
        ], Ct);

        var outcomes = await store.GetOutcomesAsync(site, "p1", Ct);

        Assert.Equal(
        [
            new OutcomeRecord(site, "p1", "sit_to_stand_30s", "first_session", 10, Utc("2026-05-05T10:05:00Z"), "reps"),
            new OutcomeRecord(site, "p1", "sit_to_stand_30s", "last_session", 14, Utc("2026-06-12T10:00:00Z"), "reps"),
        ], outcomes);
    }

    [Fact]
    public async Task GetDailyStepsAsync_CounterReset_CountsStepsSinceRestart()
    {
        var store = Store();
        var site = NewSite();
        await store.WriteAsync(
        [
            Assign(site, "sensor-a", "p1", "2026-05-01T00:00:00Z"),
            Reading(site, "sensor-a", "2026-05-10T08:00:00Z", 1000), // baseline
            Reading(site, "sensor-a", "2026-05-10T10:00:00Z", 1500), // +500
            Reading(site, "sensor-a", "2026-05-10T12:00:00Z", 200),  // device restarted: +200
            Reading(site, "sensor-a", "2026-05-10T14:00:00Z", 700),  // +500
        ], Ct);

        var days = await store.GetDailyStepsAsync(site, "p1", Day("2026-05-09"), Day("2026-05-11"), Ct);

        Assert.Equal([0L, 1200L, 0L], days.Select(d => d.Total));
        Assert.Equal([Day("2026-05-09"), Day("2026-05-10"), Day("2026-05-11")], days.Select(d => d.Date));
    }

    [Fact]
    public async Task GetDailyStepsAsync_GapAcrossMidnight_SplitsByTimeOnEachSide()
    {
        var store = Store();
        var site = NewSite();
        await store.WriteAsync(
        [
            Assign(site, "sensor-a", "p1", "2026-05-01T00:00:00Z"),
            Reading(site, "sensor-a", "2026-05-10T10:00:00Z", 4000),
            Reading(site, "sensor-a", "2026-05-10T20:00:00Z", 5000), // +1000, 21:00 BST
            Reading(site, "sensor-a", "2026-05-11T05:00:00Z", 5900), // out of range overnight: 900 over 9 h, 3 h before local midnight
        ], Ct);

        Assert.Equal([1300L, 600L], (await store.GetDailyStepsAsync(site, "p1", Day("2026-05-10"), Day("2026-05-11"), Ct)).Select(d => d.Total));
        // A range starting after the gap still gets its share of the interval that crosses into it.
        Assert.Equal(600, Assert.Single(await store.GetDailyStepsAsync(site, "p1", Day("2026-05-11"), Day("2026-05-11"), Ct)).Total);
        Assert.Equal(1300, Assert.Single(await store.GetDailyStepsAsync(site, "p1", Day("2026-05-10"), Day("2026-05-10"), Ct)).Total);
    }

    [Fact]
    public async Task GetDailyStepsAsync_TwoDevices_AddUpAndOthersDevicesDoNot()
    {
        var store = Store();
        var site = NewSite();
        await store.WriteAsync(
        [
            Assign(site, "sensor-a", "p1", "2026-05-01T00:00:00Z"),
            Assign(site, "sensor-b", "p1", "2026-05-01T00:00:00Z"),
            Assign(site, "sensor-c", "p2", "2026-05-01T00:00:00Z"),
            Reading(site, "sensor-a", "2026-05-10T07:00:00Z", 1000), Reading(site, "sensor-a", "2026-05-10T11:00:00Z", 1600),
            Reading(site, "sensor-b", "2026-05-10T13:00:00Z", 50), Reading(site, "sensor-b", "2026-05-10T17:00:00Z", 350),
            Reading(site, "sensor-c", "2026-05-10T13:00:00Z", 0), Reading(site, "sensor-c", "2026-05-10T17:00:00Z", 9999),
        ], Ct);

        Assert.Equal(900, Assert.Single(await store.GetDailyStepsAsync(site, "p1", Day("2026-05-10"), Day("2026-05-10"), Ct)).Total);
        Assert.Equal(9999, Assert.Single(await store.GetDailyStepsAsync(site, "p2", Day("2026-05-10"), Day("2026-05-10"), Ct)).Total);
    }

    [Fact]
    public async Task GetDailyStepsAsync_TwoDevicesWornTogether_CountTheStepsOnce()
    {
        // A thigh and a shank sensor in class (10:00-11:00) both count the same walk; the participant's home counter
        // counts the morning before it (07:00-10:00) and is then left off.
        var store = Store();
        var site = NewSite();
        await store.WriteAsync(
        [
            Assign(site, "thigh-1", "p1", "2026-05-01T00:00:00Z"),
            Assign(site, "shank-1", "p1", "2026-05-01T00:00:00Z"),
            Assign(site, "home-1", "p1", "2026-05-01T00:00:00Z"),
            Reading(site, "home-1", "2026-05-10T07:00:00Z", 0), Reading(site, "home-1", "2026-05-10T10:00:00Z", 2000),
            Reading(site, "thigh-1", "2026-05-10T10:00:00Z", 100), Reading(site, "thigh-1", "2026-05-10T10:30:00Z", 400), Reading(site, "thigh-1", "2026-05-10T11:00:00Z", 700),
            Reading(site, "shank-1", "2026-05-10T10:05:00Z", 40), Reading(site, "shank-1", "2026-05-10T10:55:00Z", 620),
        ], Ct);

        // The morning's 2000 plus the class once: the thigh's 600, which counted more than the shank's 580.
        Assert.Equal(2600, Assert.Single(await store.GetDailyStepsAsync(site, "p1", Day("2026-05-10"), Day("2026-05-10"), Ct)).Total);
    }

    [Fact]
    public async Task GetDailyStepsAsync_SpringForward_23HourDaySplitsByRealTime()
    {
        var store = Store();
        var site = NewSite();
        // Europe/London, 2026-03-29: 01:00 GMT becomes 02:00 BST; that local day lasts 23 hours.
        await store.WriteAsync(
        [
            Assign(site, "sensor-a", "p1", "2026-03-01T00:00:00Z"),
            Reading(site, "sensor-a", "2026-03-28T23:00:00Z", 1000), // 23:00 GMT on the 28th
            Reading(site, "sensor-a", "2026-03-29T01:00:00Z", 1200), // 02:00 BST on the 29th: 1 h each side of midnight
            Reading(site, "sensor-a", "2026-03-29T23:00:00Z", 3500), // 00:00 BST on the 30th: all on the 29th
        ], Ct);

        var days = await store.GetDailyStepsAsync(site, "p1", Day("2026-03-28"), Day("2026-03-30"), Ct);

        Assert.Equal([100L, 2400L, 0L], days.Select(d => d.Total));
    }

    [Fact]
    public async Task GetDailyStepsAsync_FallBack_25HourDaySplitsByRealTime()
    {
        var store = Store();
        var site = NewSite();
        // Europe/London, 2026-10-25: 02:00 BST becomes 01:00 GMT; that local day lasts 25 hours.
        await store.WriteAsync(
        [
            Assign(site, "sensor-a", "p1", "2026-10-01T00:00:00Z"),
            Reading(site, "sensor-a", "2026-10-24T12:00:00Z", 0),    // 13:00 BST on the 24th
            Reading(site, "sensor-a", "2026-10-25T12:00:00Z", 2400), // 12:00 GMT on the 25th: 11 h before midnight, 13 h after
            Reading(site, "sensor-a", "2026-10-26T00:00:00Z", 3600), // 00:00 GMT on the 26th: all on the 25th
        ], Ct);

        var days = await store.GetDailyStepsAsync(site, "p1", Day("2026-10-24"), Day("2026-10-26"), Ct);

        Assert.Equal([1100L, 2500L, 0L], days.Select(d => d.Total));
    }

    [Fact]
    public async Task GetDailyStepsAsync_OtherTimeZone_UsesItsLocalDays()
    {
        var store = Store(TimeZoneInfo.FindSystemTimeZoneById("America/New_York"));
        var site = NewSite();
        await store.WriteAsync(
        [
            Assign(site, "sensor-a", "p1", "2026-05-01T00:00:00Z"),
            Reading(site, "sensor-a", "2026-05-11T02:00:00Z", 0),   // 22:00 EDT on the 10th
            Reading(site, "sensor-a", "2026-05-11T06:00:00Z", 400), // 02:00 EDT on the 11th
        ], Ct);

        Assert.Equal([200L, 200L], (await store.GetDailyStepsAsync(site, "p1", Day("2026-05-10"), Day("2026-05-11"), Ct)).Select(d => d.Total));
    }

    [Fact]
    public async Task GetDailyStepsAsync_SensorHandedOver_StepsFollowTheAssignment()
    {
        var store = Store();
        var site = NewSite();
        await store.WriteAsync(
        [
            Assign(site, "sensor-a", "p1", "2026-05-10T00:00:00Z"),
            Reading(site, "sensor-a", "2026-05-10T08:00:00Z", 0), Reading(site, "sensor-a", "2026-05-10T09:00:00Z", 300),
            Reading(site, "sensor-a", "2026-05-10T11:00:00Z", 500), // handed over at 10:00 inside this interval: nobody's
            Assign(site, "sensor-a", "p2", "2026-05-10T10:00:00Z"),
            Reading(site, "sensor-a", "2026-05-10T12:00:00Z", 900),
            Assign(site, "sensor-a", null, "2026-05-10T13:00:00Z"),
            Reading(site, "sensor-a", "2026-05-10T14:00:00Z", 1000), Reading(site, "sensor-a", "2026-05-10T15:00:00Z", 2000),
        ], Ct);

        Assert.Equal(300, Assert.Single(await store.GetDailyStepsAsync(site, "p1", Day("2026-05-10"), Day("2026-05-10"), Ct)).Total);
        Assert.Equal(400, Assert.Single(await store.GetDailyStepsAsync(site, "p2", Day("2026-05-10"), Day("2026-05-10"), Ct)).Total);
    }

    [Fact]
    public async Task GetDailyStepsAsync_ManualEntries_LargerOfDeviceAndManualLatestEntryWins()
    {
        var store = Store();
        var site = NewSite();
        var entered = Utc("2026-05-12T19:00:00Z");
        await store.WriteAsync(
        [
            Assign(site, "sensor-a", "p1", "2026-05-01T00:00:00Z"),
            Reading(site, "sensor-a", "2026-05-10T08:00:00Z", 0), Reading(site, "sensor-a", "2026-05-10T18:00:00Z", 900),
            Reading(site, "sensor-a", "2026-05-11T08:00:00Z", 900), Reading(site, "sensor-a", "2026-05-11T18:00:00Z", 4900),
            new ManualStepsRecord(site, "p1", Day("2026-05-10"), 2000, entered),
            new ManualStepsRecord(site, "p1", Day("2026-05-10"), 2500, entered.AddMinutes(1)), // corrected
            new ManualStepsRecord(site, "p1", Day("2026-05-11"), 1000, entered),
            new ManualStepsRecord(site, "p1", Day("2026-05-12"), 3000, entered),
        ], Ct);

        var days = await store.GetDailyStepsAsync(site, "p1", Day("2026-05-10"), Day("2026-05-13"), Ct);

        Assert.Equal(
        [
            new DailySteps(Day("2026-05-10"), 900, 2500), new DailySteps(Day("2026-05-11"), 4000, 1000),
            new DailySteps(Day("2026-05-12"), 0, 3000), new DailySteps(Day("2026-05-13"), 0, null),
        ], days);
        Assert.Equal([2500L, 4000L, 3000L, 0L], days.Select(d => d.Total));
    }

    [Fact]
    public async Task GetGoalProgressAndStreak_DailyTotals_CountDaysMeetingGoal()
    {
        var store = Store();
        var site = NewSite();
        var entered = Utc("2026-05-20T19:00:00Z");
        long[] steps = [6000, 2000, 5000, 5500, 7000, 100];
        await store.WriteAsync(steps.Select((s, i) => (ActivityRecord)new ManualStepsRecord(site, "p1", Day("2026-05-10").AddDays(i), s, entered)).ToList(), Ct);

        var progress = await store.GetGoalProgressAsync(site, "p1", Day("2026-05-10"), Day("2026-05-15"), 5000, Ct);
        var streak = await store.GetStepStreakAsync(site, "p1", Day("2026-05-10"), Day("2026-05-15"), 5000, Ct);

        Assert.Equal((6, 4, steps.Sum()), (progress.Days, progress.DaysMet, progress.TotalSteps));
        // The 15th (today, 100 so far) does not break the run of the 12th to the 14th.
        Assert.Equal(new StepStreak(5000, 3, 3, Day("2026-05-14")), streak);
    }

    [Fact]
    public async Task GetRawSamplesAsync_BatchesWrittenTwice_EverySampleOnceExactly()
    {
        var store = Store();
        var site = NewSite();
        var t = Micros(Utc("2026-05-10T09:00:00.123456Z"));
        var withGyro = Samples(7, t);
        var accelOnly = Samples(8, t + 100_000, gyro: false);
        var otherSensor = Samples(7, t);

        List<ActivityRecord> records = [RawBatch(site, "sensor-a", withGyro), RawBatch(site, "sensor-a", accelOnly), RawBatch(site, "sensor-b", otherSensor)];
        await store.WriteAsync(records, Ct);
        await store.WriteAsync(records[..1], Ct); // re-delivery

        var read = await store.GetRawSamplesAsync(site, "sensor-a", Utc("2026-05-10T08:00:00Z"), Utc("2026-05-10T10:00:00Z"), Ct);

        SampleBatchCodec.TryDecode(withGyro, out var first, out _);
        SampleBatchCodec.TryDecode(accelOnly, out var second, out _);
        Assert.Equal(first!.Samples.Concat(second!.Samples), read);
        Assert.Equal(10, read.Count);
    }

    [Fact]
    public async Task GetRawSamplesAsync_Window_OnlySamplesInsideIt()
    {
        var store = Store();
        var site = NewSite();
        var t = Micros(Utc("2026-05-10T09:00:00Z"));
        await store.WriteAsync([RawBatch(site, "sensor-a", Samples(1, t, count: 10))], Ct);

        // Samples are 20 ms apart: [t+40 ms, t+100 ms) holds the 3rd to 5th.
        var from = DateTimeOffset.UnixEpoch.AddTicks((t + 40_000) * 10);
        var read = await store.GetRawSamplesAsync(site, "sensor-a", from, from.AddMilliseconds(60), Ct);

        Assert.Equal([t + 40_000, t + 60_000, t + 80_000], read.Select(s => s.TimestampUs));
        Assert.Empty(await store.GetRawSamplesAsync(site, "sensor-b", from, from.AddMinutes(1), Ct));
    }
}
