using System.Buffers;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet.Protocol;
using Movement.Messaging;
using Movement.Protocol;
using Movement.TestSupport;

namespace Movement.LoadHarness;

/// <summary>A rep event as it arrived at the harness's subscriber.</summary>
public readonly record struct ReceivedRep(string Id, int SensorIndex, long StartUs, long EndUs, long ArrivalUs);

/// <summary>
/// Subscribes (QoS 1) to every participant event of the site, as the dashboard would, and records each rep
/// event: its id (to find duplicates), its time span (to match it to the motion's ground truth), and the
/// latency from the rep's last sample (the event's time) to its arrival here.
/// </summary>
public sealed class EventProbe : IAsyncDisposable
{
    private readonly MqttConnectionRunner _runner;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ReceivedRep> _reps = new(StringComparer.Ordinal);
    private long _measureFromUs = long.MaxValue;
    private long _duplicates;
    private long _invalid;
    private long _lastArrivalUs;

    public EventProbe(BrokerUnderTest broker)
    {
        _runner = new MqttConnectionRunner(new MqttConnection(broker.ConnectionOptions(MosquittoServer.ServiceUser), new MqttConnectionSetup
        {
            ClientName = "event-probe",
            Subscriptions = [(Topics.AllEvents(BrokerUnderTest.Site), MqttQualityOfServiceLevel.AtLeastOnce)],
            OnMessage = Handle,
        }, NullLogger.Instance, Clock.Time));
    }

    public MqttConnection Connection => _runner.Connection;

    /// <summary>Reps ending before this time (warm-up) are counted but left out of the latency figures.</summary>
    public long MeasureFromUs
    {
        get => Interlocked.Read(ref _measureFromUs);
        set => Interlocked.Exchange(ref _measureFromUs, value);
    }

    public LatencyHistogram Latency { get; } = new();

    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Payloads that were not a valid event, or a rep from a sensor the fleet does not have.</summary>
    public long Invalid => Interlocked.Read(ref _invalid);

    public long LastArrivalUs => Interlocked.Read(ref _lastArrivalUs);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _reps.Count;
            }
        }
    }

    public IReadOnlyList<ReceivedRep> Reps
    {
        get
        {
            lock (_lock)
            {
                return [.. _reps.Values];
            }
        }
    }

    public Task ConnectAsync(CancellationToken cancellationToken) => _runner.StartAsync(cancellationToken);

    private ValueTask Handle(string topic, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        var arrivalUs = Clock.NowUs();
        var bytes = payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray();
        if (!ProtocolJson.TryDecodeEvent(bytes, out var movementEvent, out _))
        {
            Interlocked.Increment(ref _invalid);
            return ValueTask.CompletedTask;
        }

        if (movementEvent is not RepEvent rep)
        {
            return ValueTask.CompletedTask; // form flags, set summaries: not what is counted here
        }

        var index = SimulatedSensor.IndexOf(rep.Sensor);
        if (index < 0)
        {
            Interlocked.Increment(ref _invalid);
            return ValueTask.CompletedTask;
        }

        var received = new ReceivedRep(rep.Id, index, ToUs(rep.StartTime), ToUs(rep.Time), arrivalUs);
        lock (_lock)
        {
            if (!_reps.TryAdd(rep.Id, received))
            {
                Interlocked.Increment(ref _duplicates);
                return ValueTask.CompletedTask;
            }
        }

        Interlocked.Exchange(ref _lastArrivalUs, arrivalUs);
        if (received.EndUs >= MeasureFromUs)
        {
            Latency.Record((arrivalUs - received.EndUs) / 1000.0);
        }

        return ValueTask.CompletedTask;
    }

    private static long ToUs(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    public ValueTask DisposeAsync() => _runner.DisposeAsync();
}
