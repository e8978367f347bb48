using Movement.Protocol;

namespace Movement.Store.Tests;

/// <summary>Builders for records used by the store tests (whole milliseconds, so every backend keeps them exactly).</summary>
internal static class TestData
{
    public static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    public static string NewSite() => "t" + Guid.NewGuid().ToString("N")[..10];

    public static DateTimeOffset Utc(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    public static EventRecord Rep(string site, string participant, string id, DateTimeOffset time, string exercise = ExerciseIds.SitToStand,
        int set = 1, int rep = 1, double romDeg = 80, string? session = "session-1", string sensor = "sensor-a", string? leg = "left", RomKind? romKind = null) =>
        new(site, new RepEvent
        {
            Id = id, Site = site, Participant = participant, Sensor = sensor, Time = time, Session = session,
            Exercise = exercise, SetNumber = set, RepNumber = rep, StartTime = time.AddSeconds(-2), DurationS = 2.0, RomDeg = romDeg, RomKind = romKind,
        }, leg);

    public static EventRecord Flag(string site, string participant, string id, DateTimeOffset time, string flag, string exercise = ExerciseIds.SitToStand,
        string? session = "session-1", string sensor = "sensor-a") =>
        new(site, new FormFlagEvent
        {
            Id = id, Site = site, Participant = participant, Sensor = sensor, Time = time, Session = session, RepId = id + "-rep",
            Exercise = exercise, Flag = new FormFlag(flag, 48, 70, "deg", "knee bend short of target"),
        }, "left");

    public static StepReadingRecord Reading(string site, string sensor, string isoUtc, long total) =>
        new(site, new StepReading { Sensor = sensor, Time = Utc(isoUtc), StepsTotal = total });

    public static DeviceAssignmentRecord Assign(string site, string sensor, string? participant, string isoUtc) =>
        new(site, sensor, participant, Utc(isoUtc));

    public static DateOnly Day(string iso) => DateOnly.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>An encoded sample batch: <paramref name="count"/> samples every 20 ms (50 Hz) from <paramref name="firstUs"/>, values varying per sample.</summary>
    public static byte[] Samples(uint sequence, long firstUs, int count = 5, bool gyro = true) =>
        SampleBatchCodec.Encode(new SampleBatch(sequence, 50, gyro, Enumerable.Range(0, count)
            .Select(i => gyro
                ? new ImuSample(firstUs + (i * 20_000), 0.1f * i, -9.81f + (0.01f * i), 0.25f, 1.5f - (0.1f * i), 0.003f * i, -0.75f)
                : new ImuSample(firstUs + (i * 20_000), 0.1f * i, -9.81f + (0.01f * i), 0.25f))
            .ToArray()));

    public static RawSampleBatchRecord RawBatch(string site, string sensor, byte[] payload) =>
        RawSampleBatchRecord.TryCreate(site, sensor, payload, out var record, out var error) ? record! : throw new ArgumentException(error, nameof(payload));

    public static long Micros(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
}
