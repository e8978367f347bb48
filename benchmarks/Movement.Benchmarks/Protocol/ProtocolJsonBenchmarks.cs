using BenchmarkDotNet.Attributes;
using Movement.Protocol;

namespace Movement.Benchmarks.Protocol;

/// <summary>JSON events: encoded once per rep by the classifier, decoded by the recorder and the dashboard.</summary>
[MemoryDiagnoser]
public class ProtocolJsonBenchmarks
{
    private RepEvent _rep = null!;
    private byte[] _repJson = null!;
    private byte[] _sessionJson = null!;

    [GlobalSetup]
    public void Setup()
    {
        var end = new DateTimeOffset(2026, 11, 29, 10, 0, 3, TimeSpan.Zero);
        _rep = new RepEvent
        {
            Id = "thingy-0042-1764410400000000",
            Site = "site-1",
            Participant = "p-0042",
            Sensor = "thingy-0042",
            Session = "s-2026-11-29-am",
            Time = end,
            StartTime = end.AddSeconds(-3),
            Exercise = ExerciseIds.KneeExtension,
            SetNumber = 2,
            RepNumber = 7,
            DurationS = 2.94,
            RomDeg = 71.5,
            PeakAngularVelocityDps = 88.2,
            TargetReps = 10,
            TargetRomDeg = 80,
            Flags = [new FormFlag(FormFlagIds.PartialRange, 62, 80, "deg", "partial range: 62° of 80°")],
        };
        _repJson = ProtocolJson.Encode(_rep);
        _sessionJson = ProtocolJson.Encode(new SessionState
        {
            SessionId = "s-2026-11-29-am",
            Active = true,
            Time = end,
            Roster = [.. Enumerable.Range(1, 10).Select(i => new RosterEntry($"p-{i:D4}", $"thingy-{i:D4}", Placement.Shank, Side.Right, $"st-{i % 5}"))],
            Stations = [.. Enumerable.Range(0, 5).Select(i => new StationPlan($"st-{i}", ExerciseIds.KneeExtension, 10, 80))],
        });
    }

    [Benchmark(Baseline = true)]
    public byte[] Encode_RepEvent() => ProtocolJson.Encode(_rep);

    [Benchmark]
    public MovementEvent? TryDecode_RepEvent()
    {
        ProtocolJson.TryDecodeEvent(_repJson, out var value, out _);
        return value;
    }

    [Benchmark]
    public SessionState? TryDecode_SessionOfTen()
    {
        ProtocolJson.TryDecodeSessionState(_sessionJson, out var value, out _);
        return value;
    }
}
