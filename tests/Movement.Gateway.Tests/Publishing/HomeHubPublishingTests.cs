using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Movement.Gateway.Decoders;
using Movement.Gateway.Tests.Bluetooth;
using Movement.Protocol;
using Movement.TestSupport;

namespace Movement.Gateway.Tests.Publishing;

/// <summary>
/// A home hub's gateway (<c>HomeHub</c> mode) with a step counter through BlueZ (dbus-daemon + the bluez5 mock) and
/// Debian's mosquitto under the HomeHub account: the counter is connected although the hub may neither read nor
/// publish claims, and only its step readings, status and the hub's availability reach the broker.
/// </summary>
[Trait("Category", "Integration")]
public sealed class HomeHubPublishingTests : IAsyncLifetime
{
    private const string CounterAddress = "C0:FF:EE:00:00:09";
    private readonly string _queueDirectory = GatewayHost.TempDirectory();
    private BluezMockServer _bluez = null!;
    private MosquittoServer _broker = null!;

    public async Task InitializeAsync()
    {
        _bluez = await BluezMockServer.StartAsync();
        _broker = await MosquittoServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _bluez.DisposeAsync();
        await _broker.DisposeAsync();
        Directory.Delete(_queueDirectory, recursive: true);
    }

    private static byte[] StepCounter(uint steps)
    {
        var bytes = new byte[Thingy52.StepCounterLength];
        Thingy52.EncodeStepCounter(new ThingyStepCounter(steps, steps * 550), bytes);
        return bytes;
    }

    [Fact]
    public async Task HomeHub_StepCounterThroughBlueZ_OnlyStepsStatusAndAvailabilityReachTheBroker()
    {
        var counter = await _bluez.AddDeviceAsync("hci0", CounterAddress, "Thingy", "thingy52");
        var steps = $"{counter}/{BluezMockServer.Paths.ThingyStepCounter}";
        var motion = $"{counter}/{BluezMockServer.Paths.ThingyRawMotion}";
        await using var watcher = await MqttProbe.ConnectAsync(_broker.ConnectionOptions(MosquittoServer.ServiceUser), "hub-watch", ["movement/v1/#"]);
        var settings = BleTestKit.Settings(_broker.Port, _queueDirectory, _bluez, MosquittoServer.HomeHubUser, (CounterAddress, MosquittoServer.HomeHubSensor));
        settings["Movement:Gateway:HomeHub"] = "true";
        settings["Movement:Gateway:Mqtt:Username"] = MosquittoServer.HomeHubUser;
        var log = new LineLog();
        using var hub = GatewayHost.Build(settings, services => services.AddSingleton<ILoggerProvider>(log));
        await hub.StartAsync();

        await BleTestKit.WaitForCallsAsync(() => _bluez.GetMethodCallsAsync(steps, "StartNotify"), 1, "step counter notifications started");
        await _bluez.NotifyAsync(motion, [.. Enumerable.Range(0, 5).Select(BleTestKit.ThingyMotion)]);
        await _bluez.NotifyAsync(steps, StepCounter(100), StepCounter(150), StepCounter(230));

        var stepsTopic = Topics.SensorSteps("site-1", MosquittoServer.HomeHubSensor);
        var received = new List<(string Topic, byte[] Payload)>();
        var totals = new List<long>();
        while (!totals.Contains(230))
        {
            var message = await watcher.NextAsync(TimeSpan.FromSeconds(30));
            received.Add(message);
            if (message.Topic == stepsTopic)
            {
                Assert.True(ProtocolJson.TryDecodeStepReading(message.Payload, out var reading, out var error), error);
                totals.Add(reading!.StepsTotal);
            }
        }

        await hub.StopAsync();

        Assert.Equal([100L, 150L, 230L], totals);
        // Nothing was refused: the hub tried nothing its account may not do (mosquitto answers a refused QoS 1 publish
        // with PUBACK NotAuthorized, which the connection logs).
        Assert.DoesNotContain(log.Lines, l => l.Contains("refused", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(received, m => m.Topic == Topics.GatewayAvailability("site-1", MosquittoServer.HomeHubUser));
        Assert.All(received, m => Assert.True(
            m.Topic == stepsTopic || m.Topic == Topics.SensorStatus("site-1", MosquittoServer.HomeHubSensor) || m.Topic == Topics.GatewayAvailability("site-1", MosquittoServer.HomeHubUser),
            $"a home hub published {m.Topic}"));
    }
}
