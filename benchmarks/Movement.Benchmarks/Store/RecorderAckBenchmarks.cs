using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Movement.Protocol;
using Movement.Store;
using Movement.TestSupport;

namespace Movement.Benchmarks.Store;

/// <summary>Each invocation is seconds of real broker traffic: one warm-up and five measured iterations.</summary>
public sealed class RecorderAckConfig() : InProcessMonitoringConfig(warmups: 1, iterations: 5);

/// <summary>
/// Messages acknowledged per second by the recorder: a publisher sends step readings at QoS 1 through a real
/// (embedded) broker to the recorder composed by <c>AddStore()</c> (SQLite backend, drainer running); one operation
/// is one message counted by <c>movement.store.records_queued</c>, which the recorder adds once the outbox has the
/// message durably, just before its acknowledgement goes to the broker.
/// </summary>
[Config(typeof(RecorderAckConfig))]
public class RecorderAckBenchmarks
{
    public const int Messages = 1000;
    private string _directory = null!;
    private EmbeddedBrokerServer _broker = null!;
    private Microsoft.Extensions.Hosting.IHost _host = null!;
    private MqttProbe _publisher = null!;
    private MeterListener _listener = null!;
    private long _queued;
    private long _invocation;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _directory = Directory.CreateTempSubdirectory("movement-bench-recorder-").FullName;
        _broker = await EmbeddedBrokerServer.StartAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Benchmark", DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Movement:Mqtt:Host"] = "127.0.0.1",
            ["Movement:Mqtt:Port"] = _broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Movement:Mqtt:ClientIdPrefix"] = "bench",
            ["Movement:Store:SqlitePath"] = Path.Combine(_directory, "activity.db"),
            ["Movement:Store:OutboxPath"] = Path.Combine(_directory, "outbox.db"),
            ["Movement:Store:Mqtt:Username"] = MosquittoServer.ServiceUser,
            ["Movement:Store:Mqtt:Password"] = MosquittoServer.Password,
        });
        builder.Services.AddStore();
        _host = builder.Build();
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument is { Name: "movement.store.records_queued", Meter.Name: "Movement.Store" })
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _queued, value));
        _listener.Start();
        await _host.StartAsync();
        var recorder = _host.Services.GetServices<IHostedService>().OfType<RecorderService>().Single();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await recorder.Connection.WaitConnectedAsync(timeout.Token);
        _publisher = await MqttProbe.ConnectAsync(_broker.ConnectionOptions(MosquittoServer.ServiceUser), "bench-publisher");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _publisher.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _host.StopAsync().GetAwaiter().GetResult();
        _host.Dispose();
        _listener.Dispose();
        _broker.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Publishes <see cref="Messages"/> readings (each awaited until the broker has it) and waits until the recorder acknowledged all.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public async Task StepReadingsAcknowledged()
    {
        var target = Interlocked.Read(ref _queued) + Messages;
        var start = new DateTimeOffset(2026, 5, 10, 8, 0, 0, TimeSpan.Zero).AddHours(++_invocation);
        for (var i = 0; i < Messages; i++)
        {
            var sensor = $"sensor-{i % 8}";
            var reading = new StepReading { Sensor = sensor, Time = start.AddMilliseconds(i * 100), StepsTotal = i };
            await _publisher.Connection.PublishAsync(Topics.SensorSteps("bench", sensor), ProtocolJson.Encode(reading), retain: false, CancellationToken.None);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (Interlocked.Read(ref _queued) < target)
        {
            await Task.Delay(1, timeout.Token);
        }
    }
}
