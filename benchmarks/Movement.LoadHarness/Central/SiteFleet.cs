using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Movement.Messaging;
using Movement.TestSupport;

namespace Movement.LoadHarness.Central;

/// <summary>What the accounting tracks: rep and set-summary events by id, step readings by site, sensor and time.</summary>
public enum RecordKind
{
    Rep,
    SetSummary,
    Steps,
}

/// <summary>A message a site published and the central broker acknowledged (QoS 1); Key is null for session state.</summary>
public sealed record SiteMessage(string Topic, byte[] Payload, bool Retain, RecordKind? Kind, string? Key, long SiteTimeUs)
{
    public static string StepsKey(string site, string sensor, long timeUs) => $"{site}/{sensor}/{timeUs}";
}

/// <summary>
/// One simulated site as its bridge delivers it: every participant live at once doing knee extensions, a rep every
/// 2–4 s (uniform, seeded by site), a set summary after every tenth rep, a step reading per participant every 10 s,
/// and the session state (retained) at the start and every minute after.
/// </summary>
public sealed class SimulatedSite(int index, int participants)
{
    public static readonly TimeSpan StepsInterval = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan SessionInterval = TimeSpan.FromMinutes(1);
    private const double RepIntervalMinS = 2;
    private const double RepIntervalMaxS = 4;
    private readonly Random _random = new(7000 + index);
    private readonly long[] _nextRepUs = new long[participants];
    private readonly int[] _reps = new int[participants];
    private readonly double[] _setRomSum = new double[participants];
    private readonly double[] _setDurationSum = new double[participants];
    private readonly long[] _nextStepsUs = new long[participants];
    private readonly long[] _steps = new long[participants];
    private long _originUs;
    private long _nextSessionUs;

    public string Site { get; } = SiteIdOf(index);

    /// <summary>The site's own account on the central broker (its bridge's), with a password of its own.</summary>
    public BrokerUser Account => new() { Username = Site, Password = $"{Site}-bridge-secret", Role = BrokerRole.Service, Site = Site };

    public string SessionId => $"{Site}-class";

    public static string SiteIdOf(int index) => $"site-{index + 1:D3}";

    public void Start(long originUs)
    {
        _originUs = originUs;
        _nextSessionUs = originUs;
        for (var p = 0; p < participants; p++)
        {
            _nextRepUs[p] = originUs + RepIntervalUs();
            _nextStepsUs[p] = originUs + (long)(_random.NextDouble() * StepsInterval.TotalMicroseconds);
        }
    }

    /// <summary>Everything due at or before <paramref name="untilUs"/>, each stamped with the time it happened at the site.</summary>
    public List<SiteMessage> TakeDue(long untilUs)
    {
        var due = new List<SiteMessage>();
        if (_nextSessionUs <= untilUs)
        {
            var (topic, payload) = SiteMessages.Session(Site, SessionId, participants, ToTime(_originUs));
            due.Add(new SiteMessage(topic, payload, Retain: true, null, null, _nextSessionUs));
            _nextSessionUs += (long)SessionInterval.TotalMicroseconds;
        }

        for (var p = 0; p < participants; p++)
        {
            while (_nextRepUs[p] <= untilUs)
            {
                var endUs = _nextRepUs[p];
                var durationS = Math.Round(1.2 + _random.NextDouble() * 0.8, 2);
                var romDeg = Math.Round(60 + _random.NextDouble() * 30, 1);
                var (topic, payload, rep) = SiteMessages.Rep(Site, SessionId, p, ++_reps[p], ToTime(endUs), durationS, romDeg);
                due.Add(new SiteMessage(topic, payload, Retain: false, RecordKind.Rep, rep.Id, endUs));
                _setRomSum[p] += romDeg;
                _setDurationSum[p] += durationS;
                if (rep.RepNumber == SiteMessages.RepsPerSet)
                {
                    var (setTopic, setPayload, set) = SiteMessages.SetSummary(Site, SessionId, p, rep.SetNumber, ToTime(endUs),
                        _setRomSum[p] / SiteMessages.RepsPerSet, _setDurationSum[p] / SiteMessages.RepsPerSet);
                    due.Add(new SiteMessage(setTopic, setPayload, Retain: false, RecordKind.SetSummary, set.Id, endUs));
                    _setRomSum[p] = _setDurationSum[p] = 0;
                }

                _nextRepUs[p] += RepIntervalUs();
            }

            while (_nextStepsUs[p] <= untilUs)
            {
                var timeUs = _nextStepsUs[p];
                _steps[p] += _random.Next(0, 25);
                var (topic, payload) = SiteMessages.Steps(Site, p, ToTime(timeUs), _steps[p]);
                due.Add(new SiteMessage(topic, payload, Retain: false, RecordKind.Steps, SiteMessage.StepsKey(Site, SiteMessages.SensorId(p), timeUs), timeUs));
                _nextStepsUs[p] += (long)StepsInterval.TotalMicroseconds;
            }
        }

        return due;
    }

    private long RepIntervalUs() => (long)((RepIntervalMinS + _random.NextDouble() * (RepIntervalMaxS - RepIntervalMinS)) * 1e6);

    public static DateTimeOffset ToTime(long us) => DateTimeOffset.UnixEpoch.AddTicks(us * TimeSpan.TicksPerMicrosecond);
}

/// <summary>
/// N simulated sites, each with one MQTT connection to the central broker under its own account (as its bridge
/// would have), publishing at QoS 1 every 50 ms whatever came due, staggered across sites.
/// </summary>
public sealed class SiteFleet : IAsyncDisposable
{
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);
    private readonly MqttConnectionRunner[] _connections;
    private readonly ConcurrentQueue<SiteMessage> _published = new();
    private long _publishedMessages;
    private long _publishFailures;

    public SiteFleet(BrokerUnderTest broker, IReadOnlyList<SimulatedSite> sites)
    {
        Sites = sites;
        _connections = [.. sites.Select(site => new MqttConnectionRunner(new MqttConnection(
            broker.ConnectionOptions(site.Account.Username, site.Account.Password),
            new MqttConnectionSetup { ClientName = site.Site },
            NullLogger.Instance, Clock.Time)))];
    }

    public IReadOnlyList<SimulatedSite> Sites { get; }

    /// <summary>Messages the broker acknowledged, of every kind.</summary>
    public long PublishedMessages => Interlocked.Read(ref _publishedMessages);

    /// <summary>Publishes that failed (not connected or refused).</summary>
    public long PublishFailures => Interlocked.Read(ref _publishFailures);

    /// <summary>The acknowledged messages the store should end up with (events and step readings).</summary>
    public IReadOnlyList<SiteMessage> PublishedRecords => [.. _published];

    public int PublishedRecordCount => _published.Count;

    public Task ConnectAsync(CancellationToken cancellationToken) => Task.WhenAll(_connections.Select(c => c.StartAsync(cancellationToken)));

    public Task RunAsync(long originUs, long stopUs, CancellationToken cancellationToken)
    {
        foreach (var site in Sites)
        {
            site.Start(originUs);
        }

        return Task.WhenAll(_connections.Select((connection, i) => RunSiteAsync(connection.Connection, Sites[i], i, stopUs, cancellationToken)));
    }

    private async Task RunSiteAsync(MqttConnection connection, SimulatedSite site, int index, long stopUs, CancellationToken cancellationToken)
    {
        await Task.Delay(Tick * index / _connections.Length, Clock.Time, cancellationToken);
        using var timer = new PeriodicTimer(Tick, Clock.Time);
        var done = false;
        while (!done && await timer.WaitForNextTickAsync(cancellationToken))
        {
            var untilUs = Math.Min(Clock.NowUs(), stopUs);
            done = untilUs >= stopUs;
            await Task.WhenAll(site.TakeDue(untilUs).Select(message => PublishAsync(connection, message, cancellationToken)));
        }
    }

    private async Task PublishAsync(MqttConnection connection, SiteMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await connection.PublishAsync(message.Topic, message.Payload, message.Retain, cancellationToken);
            Interlocked.Increment(ref _publishedMessages);
            if (message.Key is not null)
            {
                _published.Enqueue(message);
            }
        }
        catch (Exception ex) when (ex is MqttNotConnectedException or MqttPublishRefusedException)
        {
            Interlocked.Increment(ref _publishFailures);
        }
    }

    public async ValueTask DisposeAsync() => await Task.WhenAll(_connections.Select(c => c.DisposeAsync().AsTask()));
}
