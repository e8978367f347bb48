using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Movement.Protocol;
using Movement.Store;
using Movement.Store.InfluxDb;
using Movement.TestSupport;

namespace Movement.LoadHarness.Central;

/// <summary>
/// The central recorder: the store's own <c>AddStore()</c> (RecorderService, outbox, drainer) with the InfluxDB backend,
/// run in a process of its own (this harness started again with <see cref="ChildFlag"/>) so its CPU and memory are its
/// own, not mixed with the simulated sites'. Its store is wrapped by <see cref="AcknowledgedStore"/>, which logs when
/// InfluxDB acknowledged each event and step reading.
/// </summary>
public sealed class CentralRecorder : IAsyncDisposable
{
    public const string ChildFlag = "--central-recorder";
    private const string ReadyLine = "central recorder: subscribed";
    private const string SettingPrefix = "MOVEMENT_HARNESS_SETTING_";
    private readonly ServerProcess _process;

    private CentralRecorder(ServerProcess process) => _process = process;

    public int Pid => _process.Id;

    /// <summary>
    /// Starts the child and waits until the recorder is subscribed. Settings go by environment (not the command line,
    /// where a password would show in the process list).
    /// </summary>
    public static async Task<CentralRecorder> StartAsync(IEnumerable<KeyValuePair<string, string?>> settings, string ackLogPath, CancellationToken cancellationToken)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell this process's executable");
        string[] prefix = Path.GetFileNameWithoutExtension(self) == "dotnet" ? [Assembly.GetEntryAssembly()!.Location] : [];
        var environment = settings.Select((s, i) => (s, i)).ToDictionary(x => SettingPrefix + x.i.ToString(CultureInfo.InvariantCulture), x => $"{x.s.Key}={x.s.Value}");
        var process = ServerProcess.Start(self, [.. prefix, ChildFlag, Environment.ProcessId.ToString(CultureInfo.InvariantCulture), ackLogPath], environment: environment);
        var deadline = Clock.NowUs() + 60_000_000;
        while (!process.Output.Contains(ReadyLine, StringComparison.Ordinal))
        {
            if (process.HasExited || Clock.NowUs() > deadline)
            {
                var output = process.Output;
                await process.DisposeAsync();
                throw new InvalidOperationException($"the central recorder did not subscribe within 60 s:\n{output}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), Clock.Time, cancellationToken);
        }

        return new CentralRecorder(process);
    }

    /// <summary>The child's side: args are the parent's pid and the acknowledgement log's path. Ends when the parent has gone.</summary>
    public static async Task<int> RunChildAsync(IReadOnlyList<string> args)
    {
        var parentPid = int.Parse(args[0], CultureInfo.InvariantCulture);
        var settings = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .Where(e => ((string)e.Key).StartsWith(SettingPrefix, StringComparison.Ordinal))
            .Select(e => (string)e.Value!)
            .Select(s => new KeyValuePair<string, string?>(s[..s.IndexOf('=', StringComparison.Ordinal)], s[(s.IndexOf('=', StringComparison.Ordinal) + 1)..]));
        var builder = HarnessHost.CreateBuilder(settings);
        builder.Services.AddStore();
        using var ackLog = new StoreAckLog(args[1]);
        builder.Services.AddSingleton<IActivityStore>(sp => new AcknowledgedStore(ActivatorUtilities.CreateInstance<InfluxDbActivityStore>(sp), ackLog));
        using var host = builder.Build();
        await host.StartAsync();
        var recorder = host.Services.GetServices<IHostedService>().OfType<RecorderService>().Single();
        await recorder.Connection.WaitConnectedAsync(CancellationToken.None);
        Console.WriteLine(ReadyLine);
        while (IsRunning(parentPid))
        {
            await Task.Delay(TimeSpan.FromSeconds(1), Clock.Time);
        }

        await host.StopAsync();
        return 0;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}

/// <summary>
/// The real store, plus a line per event and step reading once InfluxDB acknowledged the write holding it (an
/// acknowledged InfluxDB write is queryable at once): kind, key, the time at the site, the acknowledgement time.
/// </summary>
public sealed class AcknowledgedStore(IActivityStore inner, StoreAckLog log) : IActivityStore
{
    public async Task WriteAsync(IReadOnlyList<ActivityRecord> records, CancellationToken cancellationToken)
    {
        await inner.WriteAsync(records, cancellationToken);
        log.Append(records, Clock.NowUs());
    }

    public Task<IReadOnlyList<DailySteps>> GetDailyStepsAsync(string site, string participant, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        inner.GetDailyStepsAsync(site, participant, from, to, cancellationToken);

    public Task<IReadOnlyList<RepSummary>> GetRepsAsync(string site, string participant, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        inner.GetRepsAsync(site, participant, from, to, cancellationToken);

    public Task<IReadOnlyList<SessionExerciseSummary>> GetSessionSummaryAsync(string site, string session, CancellationToken cancellationToken) =>
        inner.GetSessionSummaryAsync(site, session, cancellationToken);

    public Task<IReadOnlyList<AttendanceRecord>> GetAttendanceAsync(string site, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        inner.GetAttendanceAsync(site, from, to, cancellationToken);

    public Task<IReadOnlyList<OutcomeRecord>> GetOutcomesAsync(string site, string participant, CancellationToken cancellationToken) =>
        inner.GetOutcomesAsync(site, participant, cancellationToken);

    public Task<IReadOnlyList<ImuSample>> GetRawSamplesAsync(string site, string sensor, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        inner.GetRawSamplesAsync(site, sensor, from, to, cancellationToken);
}

/// <summary>The acknowledgement log: tab-separated lines, flushed after each store write so the harness sees them at once.</summary>
public sealed class StoreAckLog(string path) : IDisposable
{
    private readonly StreamWriter _writer = new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
    private readonly Lock _lock = new();

    public void Append(IReadOnlyList<ActivityRecord> records, long ackUs)
    {
        lock (_lock)
        {
            foreach (var record in records)
            {
                var (kind, key, timeUs) = record switch
                {
                    EventRecord { Event: RepEvent rep } => (RecordKind.Rep, rep.Id, ToUs(rep.Time)),
                    EventRecord { Event: SetSummaryEvent set } => (RecordKind.SetSummary, set.Id, ToUs(set.Time)),
                    StepReadingRecord { Reading: var r } s => (RecordKind.Steps, SiteMessage.StepsKey(s.Site, r.Sensor, ToUs(r.Time)), ToUs(r.Time)),
                    _ => ((RecordKind?)null, "", 0L),
                };
                if (kind is not null)
                {
                    _writer.Write(string.Create(CultureInfo.InvariantCulture, $"{kind}\t{key}\t{timeUs}\t{ackUs}\n"));
                }
            }

            _writer.Flush();
        }
    }

    private static long ToUs(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    public void Dispose() => _writer.Dispose();
}

/// <summary>
/// The harness's side of the acknowledgement log: reads what the recorder appended since the last look, counts each
/// key's writes, and records each rep's latency from its time at the site to InfluxDB's acknowledgement.
/// </summary>
public sealed class StoreAckReader : IDisposable
{
    private readonly StreamReader _reader;
    private readonly Dictionary<string, int> _writes = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private string _partial = "";

    public StoreAckReader(string path) =>
        _reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete), Encoding.UTF8);

    /// <summary>Reps whose site time is before this (warm-up) are counted but left out of the latency.</summary>
    public long MeasureFromUs { get; set; } = long.MaxValue;

    public LatencyHistogram RepLatency { get; } = new();

    /// <summary>Distinct events and step readings stored so far.</summary>
    public long Stored
    {
        get
        {
            lock (_lock)
            {
                ReadNew();
                return _writes.Count;
            }
        }
    }

    /// <summary>How many times each key was written (above 1: the recorder wrote it again, e.g. after a re-delivery).</summary>
    public IReadOnlyDictionary<string, int> Writes
    {
        get
        {
            lock (_lock)
            {
                ReadNew();
                return new Dictionary<string, int>(_writes, StringComparer.Ordinal);
            }
        }
    }

    private void ReadNew()
    {
        var text = _partial + _reader.ReadToEnd();
        var end = text.LastIndexOf('\n');
        _partial = text[(end + 1)..];
        foreach (var line in text[..Math.Max(end, 0)].Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split('\t');
            var key = fields[1];
            _writes[key] = _writes.GetValueOrDefault(key) + 1;
            var siteUs = long.Parse(fields[2], CultureInfo.InvariantCulture);
            if (fields[0] == nameof(RecordKind.Rep) && _writes[key] == 1 && siteUs >= MeasureFromUs)
            {
                RepLatency.Record((long.Parse(fields[3], CultureInfo.InvariantCulture) - siteUs) / 1000.0);
            }
        }
    }

    public void Dispose() => _reader.Dispose();
}
