using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Movement.Gateway.Decoders;
using Movement.Gateway.Publishing;
using Movement.Gateway.Sensors;
using Movement.Gateway.Sensors.Drivers;
using Movement.Protocol;
using Movement.TestSupport;

namespace Movement.Gateway.Tests.Sensors;

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

    public void Dispose() => Directory.Delete(_queueDirectory, recursive: true);
}
