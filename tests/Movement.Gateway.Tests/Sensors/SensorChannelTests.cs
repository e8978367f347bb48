using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Movement.Gateway.Decoders;
using Movement.Gateway.Publishing;
using Movement.Gateway.Sensors;
using Movement.Gateway.Sensors.Drivers;
using Movement.Protocol;
using Movement.TestSupport;

namespace Movement.Gateway.Tests.Sensors;

[Trait("Category", "Integration")]
public sealed class SensorChannelTests : IDisposable
{
    private readonly string _queueDirectory = GatewayHost.TempDirectory();

    [Fact]
    public void OnNotification_MalformedFrames_AreCountedAndTheStreamGoesOn()
    {
        using var host = GatewayHost.Build(GatewayHost.Settings(FreePort.Next(), _queueDirectory));
        var hub = host.Services.GetRequiredService<SensorHub>();
        var publisher = host.Services.GetRequiredService<GatewayPublisher>();
        var registration = new SensorRegistration { Address = "C0:FF:EE:00:00:01", SensorId = "thingy-1", Kind = SensorKind.Thingy52 };
        var channel = hub.GetOrAdd(registration, "thingy52");
        var driver = SensorDrivers.Create(registration);
        long metered = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == GatewayMetrics.MeterName && instrument.Name == "movement.gateway.frames_rejected")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref metered, value));
        listener.Start();
        var good = new byte[Thingy52.RawMotionLength];
        Thingy52.EncodeRawMotion(new ImuSample(0, 0, 0, 9.80665f, 0, 0, 0), good);

        driver.OnNotification(Thingy52.RawMotionCharacteristic, good, 1_000, channel);
        driver.OnNotification(Thingy52.RawMotionCharacteristic, good.AsSpan(0, 17), 2_000, channel);
        driver.OnNotification(Thingy52.StepCounterCharacteristic, [1, 2, 3], 2_500, channel);
        driver.OnNotification(Thingy52.RawMotionCharacteristic, good, 3_000, channel);
        channel.Flush();

        Assert.Equal(2, channel.FramesRejected);
        Assert.Equal(2, metered);
        Assert.Equal(1, publisher.BatchesQueued); // the two good samples, in one batch
    }

    [Fact]
    public void AddSample_TimeGoesBackwards_StartsANewBatchInsteadOfFailing()
    {
        using var host = GatewayHost.Build(GatewayHost.Settings(FreePort.Next(), _queueDirectory));
        var hub = host.Services.GetRequiredService<SensorHub>();
        var publisher = host.Services.GetRequiredService<GatewayPublisher>();
        var channel = hub.GetOrAdd(new SensorRegistration { Address = "C0:FF:EE:00:00:02", SensorId = "thingy-2" }, "thingy52");

        channel.AddSample(new ImuSample(2_000, 0, 0, 9.8f));
        channel.AddSample(new ImuSample(1_000, 0, 0, 9.8f));
        channel.Flush();

        Assert.Equal(2, publisher.BatchesQueued);
    }

    [Fact]
    public async Task PublishStatus_TwoSensorsShareTheQueue_EachReportsItsOwnBatches()
    {
        // The queue refuses what does not fit (DropNewest) while the gateway is not yet connected: thingy-1 fills it,
        // thingy-2 has one batch waiting. Time stands still, so the only statuses are the two published here.
        await using var broker = await EmbeddedBrokerServer.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.ConnectionOptions(MosquittoServer.ServiceUser), "status", [Topics.AllSensorStatus("site-1")]);
        var settings = GatewayHost.Settings(broker.Port, _queueDirectory);
        settings["Movement:Gateway:Queue:MaxBytes"] = (64 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Movement:Gateway:Queue:FullPolicy"] = nameof(QueueFullPolicy.DropNewest);
        using var host = GatewayHost.Build(settings, services => services.AddSingleton<TimeProvider>(new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56))));
        var hub = host.Services.GetRequiredService<SensorHub>();
        var publisher = host.Services.GetRequiredService<GatewayPublisher>();
        var first = hub.GetOrAdd(new SensorRegistration { Address = "C0:FF:EE:00:00:01", SensorId = "thingy-1" }, "thingy52");
        var second = hub.GetOrAdd(new SensorRegistration { Address = "C0:FF:EE:00:00:02", SensorId = "thingy-2" }, "thingy52");
        var samples = Enumerable.Range(0, 100).Select(i => new ImuSample(i * 10_000L, 0, 0, 9.8f, 0, 0, 0)).ToArray();
        Assert.True(publisher.EnqueueBatch("thingy-2", new SampleBatch(0, 100, true, samples)));
        var accepted = Enumerable.Range(0, 100).Count(i => publisher.EnqueueBatch("thingy-1", new SampleBatch((uint)i, 100, true, samples)));
        Assert.InRange(accepted, 1, 99);

        first.PublishStatus();
        second.PublishStatus();
        await host.StartAsync();
        var statuses = new Dictionary<string, SensorStatus>();
        while (statuses.Count < 2)
        {
            var (_, payload) = await probe.NextAsync(TimeSpan.FromSeconds(20));
            Assert.True(ProtocolJson.TryDecodeSensorStatus(payload, out var status, out var error), error);
            statuses.TryAdd(status!.Sensor, status);
        }

        await host.StopAsync();

        Assert.Equal((accepted, 100L - accepted), (statuses["thingy-1"].BatchesQueued, statuses["thingy-1"].BatchesDropped));
        Assert.Equal((1L, 0L), (statuses["thingy-2"].BatchesQueued, statuses["thingy-2"].BatchesDropped));
    }

    public void Dispose() => Directory.Delete(_queueDirectory, recursive: true);
}
