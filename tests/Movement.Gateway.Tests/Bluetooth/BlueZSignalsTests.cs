using Movement.Gateway.Bluetooth;
using Movement.TestSupport;
using Tmds.DBus.Protocol;

namespace Movement.Gateway.Tests.Bluetooth;

/// <summary>
/// <see cref="BlueZSignals"/> on the signals the BlueZ mock really emits on a private bus (InterfacesAdded/Removed,
/// a characteristic's Value, Device1 link properties, bluetoothd leaving and coming back), parsed where the gateway
/// parses them: in the match handler, while the message is alive.
/// </summary>
[Trait("Category", "Integration")]
public sealed class BlueZSignalsTests : IAsyncLifetime
{
    private const string Address = "C0:FF:EE:00:03:01";
    private BluezMockServer _bluez = null!;
    private DBusConnection _connection = null!;

    public async Task InitializeAsync()
    {
        _bluez = await BluezMockServer.StartAsync();
        _connection = new DBusConnection(_bluez.Address);
        await _connection.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        _connection.Dispose();
        await _bluez.DisposeAsync();
    }

    /// <summary>The first signal matching <paramref name="rule"/> that <paramref name="parse"/> accepts, after <paramref name="trigger"/>.</summary>
    private async Task<T> FirstAsync<T>(MatchRule rule, Func<Message, T?> parse, Func<Task> trigger)
        where T : class
    {
        var first = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var match = await _connection.AddMatchAsync(rule, (message, _) =>
        {
            if (parse(message) is { } value)
            {
                first.TrySetResult(value);
            }

            return true;
        }, static (Notification<bool> _) => { }, false, ObserverFlags.None, null);
        await trigger();
        return await first.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static MatchRule ObjectManager(string member) => new() { Type = MessageType.Signal, Interface = BlueZ.ObjectManager, Member = member };

    private static readonly MatchRule PropertiesChanged = new() { Type = MessageType.Signal, Interface = BlueZ.Properties, Member = "PropertiesChanged", PathNamespace = "/org/bluez" };

    [Fact]
    public async Task ReadInterfacesChanged_DeviceAddedThenRemoved_PathAndDevice1()
    {
        // The mock exports the device, then its GATT objects: take the device's own signal.
        static Tuple<string, bool>? Device(Message message, bool added) =>
            BlueZSignals.ReadInterfacesChanged(message, added) is var (path, device) && !path.Contains("/service", StringComparison.Ordinal) ? Tuple.Create(path, device) : null;
        var path = "";
        var added = await FirstAsync(ObjectManager("InterfacesAdded"), m => Device(m, added: true),
            async () => path = await _bluez.AddDeviceAsync("hci0", Address, "Thingy", "thingy52"));
        var removed = await FirstAsync(ObjectManager("InterfacesRemoved"), m => Device(m, added: false), () => _bluez.RemoveDeviceAsync(path));

        Assert.Equal(Tuple.Create(path, true), added);
        Assert.Equal(Tuple.Create(path, true), removed);
        Assert.Equal("hci0", BlueZSignals.AdapterOf(path));
    }

    [Fact]
    public async Task ReadPropertiesChanged_Notification_ValueCopiedIntoTheBuffer()
    {
        var device = await _bluez.AddDeviceAsync("hci0", Address, "Thingy", "thingy52");
        var characteristic = $"{device}/{BluezMockServer.Paths.ThingyRawMotion}";
        var buffer = new byte[512];

        var value = await FirstAsync(PropertiesChanged, m => BlueZSignals.ReadPropertiesChanged(m, buffer) is { IsCharacteristic: true, ValueLength: >= 0 } change
                ? Tuple.Create(change.Path, buffer[..change.ValueLength])
                : null,
            () => _bluez.NotifyAsync(characteristic, [0x01, 0x02, 0xA0, 0xFF]));

        Assert.Equal(characteristic, value.Item1);
        Assert.Equal(new byte[] { 0x01, 0x02, 0xA0, 0xFF }, value.Item2);
    }

    [Fact]
    public async Task ReadPropertiesChanged_ValueLongerThanTheBuffer_TooLong()
    {
        var device = await _bluez.AddDeviceAsync("hci0", Address, "Thingy", "thingy52");
        var buffer = new byte[3];

        var length = await FirstAsync(PropertiesChanged, m => BlueZSignals.ReadPropertiesChanged(m, buffer) is { IsCharacteristic: true, ValueLength: not -1 } change ? (object)change.ValueLength : null,
            () => _bluez.NotifyAsync($"{device}/{BluezMockServer.Paths.ThingyRawMotion}", [1, 2, 3, 4]));

        Assert.Equal(BlueZSignals.ValueTooLong, length);
    }

    [Fact]
    public async Task ReadPropertiesChanged_LinkDrops_DeviceWithConnectedAndServicesResolvedFalse()
    {
        var device = await _bluez.AddDeviceAsync("hci0", Address, "Thingy", "thingy52");

        var change = await FirstAsync(PropertiesChanged, m => BlueZSignals.ReadPropertiesChanged(m, new byte[16]) is { IsDevice: true } c ? (object)c : null,
            () => _bluez.SetDeviceLinkAsync(device, connected: false));

        Assert.Equal(new PropertiesChange(device, IsCharacteristic: false, IsDevice: true, Connected: false, ServicesResolved: false, ValueLength: -1), change);
    }

    [Fact]
    public async Task ReadNameOwnerChanged_BluetoothdLeavesAndReturns_LeftThenAppeared()
    {
        var rule = new MatchRule { Type = MessageType.Signal, Sender = "org.freedesktop.DBus", Interface = "org.freedesktop.DBus", Member = "NameOwnerChanged", Arg0 = BlueZ.Service };

        var left = await FirstAsync(rule, m => (object)BlueZSignals.ReadNameOwnerChanged(m), () => _bluez.StopBluezAsync());
        var back = await FirstAsync(rule, m => (object)BlueZSignals.ReadNameOwnerChanged(m), () => _bluez.StartBluezAsync());

        Assert.Equal((Left: true, Appeared: false), left);
        Assert.Equal((Left: false, Appeared: true), back);
    }
}
