using System.Runtime.InteropServices;
using Movement.Gateway.Decoders;
using Movement.Gateway.Sensors;
using Movement.Gateway.Sensors.Drivers;
using Movement.Motion.Sensors;
using Movement.Motion.Sessions;
using Movement.Protocol;

namespace Movement.Gateway.Simulation;

/// <summary>
/// One simulated person at the radio boundary, wearing a shank sensor and, if asked, a thigh sensor on the same leg.
/// The motion model (Movement.Motion) plays the person: in a running session whose roster lists their sensor, the
/// session's circuit on its timing (their station's sets, rests, the walk to the next station, round the plan); else
/// an ESCAPE-pain style circuit of their own, back to back. Each sensor reads the same leg's motion on one clock, and
/// its samples become the vendor's GATT bytes (Thingy:52 raw motion and step counter, or Polar PMD frames) and go
/// through the vendor's driver and decoder into the sensor's channel, exactly as a real sensor's notifications do.
/// </summary>
internal sealed class SimulatedPerson
{
    private readonly SimulatorOptions _options;
    private readonly int _index;
    private readonly ParticipantProfile _profile;
    private readonly WornSensor _shank;
    private readonly WornSensor? _thigh;
    private int _sessionNumber;
    private SimulatedSession _session = null!;
    private uint _stepsBefore;
    private int _strikeIndex;

    /// <summary>The class session the person is following (its id, start and plan), or null outside one.</summary>
    private SessionState? _following;

    public SimulatedPerson(SimulatorOptions options, int index, SensorHub hub, long startUnixUs)
    {
        _options = options;
        _index = index;
        // The same person in every session: their build, pace and range belong to them.
        _profile = ParticipantProfile.Random(new Random(unchecked((options.Seed * 1_000_003) + (index * 7919)))) with { Side = Side.Right };
        _shank = new WornSensor(options, hub, $"00:00:00:00:{index / 256:X2}:{index % 256:X2}", options.SensorId(index), Placement.Shank, 70 + (index * 7 % 30), DrainFactor(index), startUnixUs);
        if (index < options.ThighSensors)
        {
            _thigh = new WornSensor(options, hub, $"00:00:00:01:{index / 256:X2}:{index % 256:X2}", options.ThighSensorId(index), Placement.Thigh, 70 + (((index * 7) + 11) % 30), DrainFactor(index + 5), startUnixUs);
        }

        StartSession(startUnixUs, null, null);
    }

    /// <summary>Each sensor drains at its own rate: 0.75–1.25 × the configured rate.</summary>
    private static double DrainFactor(int n) => 0.75 + (0.05 * (n * 7 % 11));

    /// <summary>The person's sensors: the shank's, then the thigh's if worn.</summary>
    public IEnumerable<WornSensor> Sensors => _thigh is null ? [_shank] : [_shank, _thigh];

    /// <summary>The motion planned for the person now (for tests).</summary>
    internal SimulatedSession Session => _session;

    /// <summary>The session the person is following now, if any (for tests and tracing).</summary>
    public SessionState? Following => _following;

    /// <summary>
    /// Emits every sample up to <paramref name="nowUs"/> as notifications. A newly started session that lists the
    /// person's sensor takes over from now; when the planned motion runs out, the next part is planned.
    /// </summary>
    public void EmitUntil(long nowUs, byte[] frame, SessionState? session)
    {
        var entry = RosterEntryIn(session);
        if (entry is not null && !SameSession(session!, _following))
        {
            _stepsBefore = StepsAt((nowUs - _shank.Stream.StartUnixUs) / 1e6);
            StartSession(Math.Max(nowUs, LastTimestampUs) + 1, session, entry);
        }
        else if (entry is null)
        {
            _following = null; // the session ended or lists someone else: the person finishes what they are doing
        }

        _shank.EmitUntil(nowUs, frame);
        _thigh?.EmitUntil(nowUs, frame);
        if (_shank.Stream.Completed && _thigh?.Stream.Completed != false)
        {
            _stepsBefore = StepsAt(double.MaxValue);
            StartSession(Math.Max(nowUs, LastTimestampUs) + 1, _following, _following is null ? null : RosterEntryIn(_following));
        }
    }

    private long LastTimestampUs => Math.Max(_shank.LastTimestampUs, _thigh?.LastTimestampUs ?? 0);

    private RosterEntry? RosterEntryIn(SessionState? session) =>
        session is { Active: true } ? session.Roster.FirstOrDefault(r => r.Sensor == _shank.Channel.SensorId || r.Sensor == _thigh?.Channel.SensorId) : null;

    /// <summary>The same session, started at the same time, on the same plan (a republished state changes nothing).</summary>
    private static bool SameSession(SessionState a, SessionState? b) =>
        b is not null && a.SessionId == b.SessionId && a.Time == b.Time && a.StationTimeS == b.StationTimeS && a.ChangeoverS == b.ChangeoverS
        && a.Stations.SequenceEqual(b.Stations) && a.Roster.SequenceEqual(b.Roster);

    /// <summary>The shank sensor's step counter as the device would report it: heel strikes of both legs so far.</summary>
    public void EmitSteps(long nowUs)
    {
        var steps = StepsAt((nowUs - _shank.Stream.StartUnixUs) / 1e6);
        if (_shank.Driver is Thingy52Driver)
        {
            Span<byte> bytes = stackalloc byte[Thingy52.StepCounterLength];
            Thingy52.EncodeStepCounter(new ThingyStepCounter(steps, (uint)(steps * 550)), bytes);
            _shank.Driver.OnNotification(Thingy52.StepCounterCharacteristic, bytes, nowUs, _shank.Channel);
        }
        else
        {
            // Polar streams no steps over PMD: report the counter directly.
            _shank.Channel.ReportSteps(steps);
        }
    }

    private uint StepsAt(double sessionTimeS)
    {
        var strikes = _session.HeelStrikes;
        while (_strikeIndex < strikes.Count && strikes[_strikeIndex].TimeS <= sessionTimeS)
        {
            _strikeIndex++;
        }

        return _stepsBefore + (uint)_strikeIndex;
    }

    private void StartSession(long startUnixUs, SessionState? session, RosterEntry? entry)
    {
        var seed = unchecked((_options.Seed * 1_000_003) + (_index * 7919) + (_sessionNumber++ * 104_729));
        var random = new Random(seed);
        // In a class: one round of its circuit (or a block of sets at their station) from now; the next round follows.
        var plan = session is null || entry is null
            ? null
            : SessionPlan.ForSession(session, entry, DateTimeOffset.FromUnixTimeMilliseconds(startUnixUs / 1000), session.StationTimeS is null ? 1 : session.Stations.Count, seed);
        _following = plan is null ? null : session;
        _session = SimulatedSession.Create(plan ?? SessionPlan.Circuit(seed), _profile, seed);
        var hasGyro = _options.Kind == SensorKind.Thingy52;
        _shank.Stream = _session.OpenSensor(SensorSpec.Random(random, Placement.Shank, _options.SampleRateHz) with { HasGyro = hasGyro }, startUnixUs, seed);

        // Drawn after the shank's, so a person's shank stream is the same with or without a thigh sensor; its noise
        // seed is derived from the session's seed and the placement.
        if (_thigh is not null)
        {
            _thigh.Stream = _session.OpenSensor(SensorSpec.Random(random, Placement.Thigh, _options.SampleRateHz) with { HasGyro = hasGyro }, startUnixUs);
        }

        _strikeIndex = 0;
    }

    /// <summary>One sensor the person wears: its driver, its channel in the hub and its stream of the person's motion.</summary>
    internal sealed class WornSensor
    {
        private readonly byte[] _notification = new byte[Thingy52.RawMotionLength];
        private readonly List<ImuSample> _pending = new(512);

        public WornSensor(SimulatorOptions options, SensorHub hub, string address, string sensorId, Placement placement, int batteryPct, double drainFactor, long startUnixUs)
        {
            var registration = new SensorRegistration
            {
                Address = address,
                SensorId = sensorId,
                Kind = options.Kind,
                Placement = placement,
                Side = Side.Right,
                SampleRateHz = options.SampleRateHz,
            };
            Driver = SensorDrivers.Create(registration);
            Channel = hub.GetOrAdd(registration, "simulated-" + Driver.KindName);
            _batteryStartPct = batteryPct;
            _batteryStartUs = startUnixUs;
            _drainPctPerHour = options.BatteryDrainPctPerHour * drainFactor;
        }

        private readonly int _batteryStartPct;
        private readonly long _batteryStartUs;
        private readonly double _drainPctPerHour;

        public ISensorDriver Driver { get; }

        public SensorChannel Channel { get; }

        /// <summary>The simulated battery level at a time: draining steadily from its level when the simulator started.</summary>
        /// <remarks>A coin cell streaming IMU data lasts a day or two: a few percent an hour.</remarks>
        public int BatteryPctAt(long nowUs) =>
            Math.Max(1, (int)Math.Ceiling(_batteryStartPct - (_drainPctPerHour * (nowUs - _batteryStartUs) / 3.6e9)));

        public ImuStream Stream { get; set; } = null!;

        public long LastTimestampUs { get; private set; }

        public void EmitUntil(long nowUs, byte[] frame)
        {
            _pending.Clear();
            Stream.ReadUntil(nowUs, _pending);
            if (_pending.Count > 0)
            {
                LastTimestampUs = _pending[^1].TimestampUs;
                Emit(CollectionsMarshal.AsSpan(_pending), frame);
            }
        }

        private void Emit(ReadOnlySpan<ImuSample> samples, byte[] frame)
        {
            if (Driver is Thingy52Driver)
            {
                foreach (ref readonly var sample in samples)
                {
                    Thingy52.EncodeRawMotion(sample, _notification);
                    Driver.OnNotification(Thingy52.RawMotionCharacteristic, _notification, sample.TimestampUs, Channel);
                }

                return;
            }

            // Polar: frames of up to 36 samples (what fits a 251-byte MTU with type-1 samples), stamped with their last sample.
            for (var offset = 0; offset < samples.Length; offset += 36)
            {
                var chunk = samples.Slice(offset, Math.Min(36, samples.Length - offset));
                var lastNs = (ulong)((chunk[^1].TimestampUs * 1000) - Units.PolarEpochUnixNs);
                var length = PolarAccStream.EncodeRawFrame(chunk, lastNs, frame);
                Driver.OnNotification(PolarPmd.DataCharacteristic, frame.AsSpan(0, length), chunk[^1].TimestampUs, Channel);
            }
        }
    }
}
