using Microsoft.Extensions.Logging;
using Movement.Gateway.Publishing;
using Movement.Protocol;

namespace Movement.Gateway.Sensors;

/// <summary>
/// One sensor's way out, shared by its connections over time (real or simulated): collects decoded samples into
/// batches with a per-sensor sequence, reports steps and link status, and counts frames that failed to decode.
/// Called from notification handlers: it never throws and never waits on the broker.
/// </summary>
public sealed partial class SensorChannel
{
    private readonly object _lock = new();
    private readonly GatewayPublisher _publisher;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _site;
    private readonly string _gatewayId;
    private readonly KeyValuePair<string, object?> _kindTag;
    private ImuSample[] _pending = new ImuSample[256];
    private int _count;
    private bool _hasGyro;
    private uint _nextSequence;
    private long _lastStepsTotal = -1;
    private long _rejected;

    public SensorChannel(SensorRegistration registration, string kindName, GatewayPublisher publisher, GatewayMetrics metrics,
        ILogger logger, TimeProvider time, string site, string gatewayId)
    {
        Registration = registration;
        KindName = kindName;
        _publisher = publisher;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _site = site;
        _gatewayId = gatewayId;
        _kindTag = new("kind", kindName);

        // Deciseconds since 2024: a restarted gateway continues above its last sequence (batches are >= 100 ms apart
        // on average), so receivers that drop old sequences do not drop the new stream.
        _nextSequence = (uint)Math.Max(0, (time.GetUtcNow() - new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero)).Ticks / TimeSpan.TicksPerMillisecond / 100);
    }

    public SensorRegistration Registration { get; }

    public string SensorId => Registration.SensorId;

    public string KindName { get; }

    public bool Connected { get; private set; }

    public int? BatteryPct { get; private set; }

    public int? RssiDbm { get; private set; }

    /// <summary>The adapter holding the link (BLE only).</summary>
    public string? Adapter { get; private set; }

    /// <summary>Seen, but every adapter's link limit is reached: waiting for a radio slot.</summary>
    public bool NoRadioSlot { get; private set; }

    /// <summary>
    /// Whether this gateway speaks for the sensor in its retained status. False while another gateway holds it
    /// (that one publishes the status), so two gateways never overwrite each other's report.
    /// </summary>
    public bool Reporting { get; private set; } = true;

    public long FramesRejected => Interlocked.Read(ref _rejected);

    public void AddSample(in ImuSample sample)
    {
        lock (_lock)
        {
            if (_count > 0 && (sample.TimestampUs < _pending[_count - 1].TimestampUs || sample.HasGyro != _hasGyro))
            {
                // A batch holds one time-ordered run with one layout; start a new batch instead.
                FlushLocked();
            }

            if (_count == _pending.Length)
            {
                if (_pending.Length >= SampleBatchCodec.MaxSamples)
                {
                    FlushLocked();
                }
                else
                {
                    Array.Resize(ref _pending, Math.Min(_pending.Length * 2, SampleBatchCodec.MaxSamples));
                }
            }

            _hasGyro = sample.HasGyro;
            _pending[_count++] = sample;
        }

        _metrics.SamplesDecoded.Add(1, _kindTag);
    }

    public void AddSamples(ReadOnlySpan<ImuSample> samples)
    {
        foreach (ref readonly var sample in samples)
        {
            AddSample(sample);
        }
    }

    public void FrameDecoded() => _metrics.FramesDecoded.Add(1, _kindTag);

    /// <summary>Counts and logs a notification that failed to decode; the stream goes on.</summary>
    public void RejectFrame(string what, string? reason)
    {
        Interlocked.Increment(ref _rejected);
        _metrics.FramesRejected.Add(1, _kindTag);
        LogRejected(_logger, SensorId, what, reason ?? "unknown");
    }

    /// <summary>Publishes a cumulative step reading when it changed.</summary>
    public void ReportSteps(long stepsTotal, long? walkingTimeMs = null, double? cadenceSpm = null)
    {
        lock (_lock)
        {
            if (stepsTotal == _lastStepsTotal)
            {
                return;
            }

            _lastStepsTotal = stepsTotal;
        }

        var reading = new StepReading { Sensor = SensorId, Time = _time.GetUtcNow(), StepsTotal = stepsTotal, WalkingTimeMs = walkingTimeMs, CadenceSpm = cadenceSpm };
        _publisher.Enqueue(new OutgoingMessage(Topics.SensorSteps(_site, SensorId), ProtocolJson.Encode(reading), Retain: false));
    }

    public void SetLink(bool connected, int? batteryPct = null, int? rssiDbm = null, string? adapter = null)
    {
        Connected = connected;
        BatteryPct = batteryPct ?? BatteryPct;
        RssiDbm = rssiDbm ?? RssiDbm;
        Adapter = connected ? adapter ?? Adapter : null;
        NoRadioSlot = false;
        Reporting = true;
        if (!connected)
        {
            Flush();
        }

        PublishStatus();
    }

    /// <summary>The sensor is in sight but no adapter has a free link slot: report it (once per change; the status clock refreshes it).</summary>
    public void SetNoRadioSlot()
    {
        if (NoRadioSlot && Reporting)
        {
            return;
        }

        Connected = false;
        Adapter = null;
        NoRadioSlot = true;
        Reporting = true;
        Flush();
        PublishStatus();
    }

    /// <summary>Another gateway holds the sensor: stop reporting its status (that gateway does).</summary>
    public void StopReporting()
    {
        Reporting = false;
        NoRadioSlot = false;
        Connected = false;
        Adapter = null;
        Flush();
    }

    /// <summary>Retained status with this sensor's queue figures.</summary>
    public void PublishStatus() => _publisher.Enqueue(new OutgoingMessage(
        Topics.SensorStatus(_site, SensorId),
        ProtocolJson.Encode(new SensorStatus
        {
            Sensor = SensorId,
            Gateway = _gatewayId,
            Kind = KindName,
            Connected = Connected,
            Time = _time.GetUtcNow(),
            Placement = Registration.Placement,
            Side = Registration.Side,
            BatteryPct = BatteryPct,
            RssiDbm = RssiDbm,
            BatchesQueued = _publisher.BatchesQueuedOf(SensorId),
            BatchesDropped = _publisher.BatchesDroppedOf(SensorId),
            Adapter = Adapter,
            NoRadioSlot = NoRadioSlot ? true : null,
        }),
        Retain: true));

    /// <summary>Hands the pending samples to the publisher as one batch (called on the batch clock).</summary>
    public void Flush()
    {
        lock (_lock)
        {
            FlushLocked();
        }
    }

    private void FlushLocked()
    {
        if (_count == 0)
        {
            return;
        }

        var batch = new SampleBatch(_nextSequence++, Registration.SampleRateHz, _hasGyro, _pending.AsSpan(0, _count).ToArray());
        _count = 0;
        _publisher.EnqueueBatch(SensorId, batch);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sensor {SensorId}: rejected {What} notification: {Reason}")]
    private static partial void LogRejected(ILogger logger, string sensorId, string what, string reason);
}
