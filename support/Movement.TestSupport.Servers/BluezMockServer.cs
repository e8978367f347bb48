using System.Diagnostics;

namespace Movement.TestSupport;

/// <summary>
/// A private <c>dbus-daemon</c> with python-dbusmock's bluez5 template on it (Debian's python3), extended with GATT
/// objects for a Nordic Thingy:52 and a Polar PMD sensor. The radio is the only fake: everything above it is
/// BlueZ's real D-Bus API shape. Point the gateway at <see cref="Address"/>; drive notifications and link changes
/// with the helper methods, and read what the gateway wrote from the mock's call log.
/// </summary>
public sealed class BluezMockServer : IAsyncDisposable
{
    /// <summary>Debian's interpreter: the first python3 on PATH may be another installation without dbusmock.</summary>
    public const string Python = "/usr/bin/python3";

    private readonly string _directory;
    private readonly ServerProcess _bus;
    private ServerProcess? _mock;

    private BluezMockServer(string directory, ServerProcess bus)
    {
        _directory = directory;
        _bus = bus;
        Address = $"unix:path={Path.Combine(directory, "bus.sock")}";
    }

    public string Address { get; }

    private string ControlScript => Path.Combine(_directory, "bluez_mock_ctl.py");

    public static async Task<BluezMockServer> StartAsync(string adapter = "hci0")
    {
        var directory = Directory.CreateTempSubdirectory("movement-bluez-").FullName;
        var socket = Path.Combine(directory, "bus.sock");
        var config = Path.Combine(directory, "bus.conf");
        await File.WriteAllTextAsync(config, $"""
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
             "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <listen>unix:path={socket}</listen>
              <auth>EXTERNAL</auth>
              <policy context="default">
                <allow user="*"/>
                <allow own="*"/>
                <allow send_destination="*" eavesdrop="true"/>
                <allow receive_sender="*"/>
                <allow eavesdrop="true"/>
              </policy>
            </busconfig>
            """);
        await File.WriteAllTextAsync(Path.Combine(directory, "bluez_mock_ctl.py"), ControlScriptSource);
        var bus = ServerProcess.Start("dbus-daemon", [$"--config-file={config}", "--nofork", "--print-address=1"]);
        for (var i = 0; i < 200 && !File.Exists(socket); i++)
        {
            await Task.Delay(25);
        }

        if (!File.Exists(socket))
        {
            await bus.DisposeAsync();
            throw new TimeoutException($"dbus-daemon did not create {socket}: {bus.Output}");
        }

        var server = new BluezMockServer(directory, bus);
        await server.StartBluezAsync(adapter);
        return server;
    }

    /// <summary>Starts the bluez5 mock (as bluetoothd would start) and adds the adapter.</summary>
    public async Task StartBluezAsync(string adapter = "hci0")
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"{Python} is missing. Run scripts/test.sh, which installs python3-dbusmock.");
        }

        _mock = ServerProcess.Start(Python, ["-m", "dbusmock", "--system", "-t", "bluez5"], environment: Environment());
        await RunAsync("wait");
        await RunAsync("adapter", adapter);
    }

    /// <summary>Kills the mock (bluetoothd "crashes"): its name leaves the bus and every object is gone.</summary>
    public async Task StopBluezAsync()
    {
        if (_mock is { } mock)
        {
            _mock = null;
            await mock.DisposeAsync();
        }
    }

    /// <summary>Adds another adapter (a second USB dongle): <c>/org/bluez/{adapter}</c>.</summary>
    public Task AddAdapterAsync(string adapter) => RunAsync("adapter", adapter);

    /// <summary>The device goes out of the adapter's range: bluetoothd removes its object (InterfacesRemoved).</summary>
    public Task RemoveDeviceAsync(string devicePath) => RunAsync("remove", devicePath);

    /// <summary>Adds a device with its GATT database. <paramref name="kind"/>: "thingy52" or "polar". Returns the device path.</summary>
    public async Task<string> AddDeviceAsync(string adapter, string address, string alias, string kind) =>
        (await RunAsync("device", adapter, address, alias, kind)).Trim();

    /// <summary>One notification per value, as BlueZ delivers them: PropertiesChanged of Value on the characteristic.</summary>
    public Task NotifyAsync(string characteristicPath, params byte[][] values) =>
        RunAsync(["notify", characteristicPath, .. values.Select(Convert.ToHexString)]);

    /// <summary>The first argument of each call of <paramref name="method"/> on <paramref name="path"/> (hex for byte arrays).</summary>
    public async Task<IReadOnlyList<string>> GetMethodCallsAsync(string path, string method) =>
        (await RunAsync("calls", path, method)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Sets Device1 properties (e.g. the link dropping: Connected=false, ServicesResolved=false).</summary>
    public Task SetDeviceLinkAsync(string devicePath, bool connected) => RunAsync("link", devicePath, connected ? "1" : "0");

    private Dictionary<string, string> Environment() => new() { ["DBUS_SYSTEM_BUS_ADDRESS"] = Address };

    private async Task<string> RunAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(ControlScript);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DBUS_SYSTEM_BUS_ADDRESS"] = Address;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"bluez mock '{string.Join(' ', arguments)}' failed ({process.ExitCode}): {await stderr} {_mock?.Output}");
        }

        return await stdout;
    }

    public async ValueTask DisposeAsync()
    {
        await StopBluezAsync();
        await _bus.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Service and characteristic object names used by the mock's GATT databases.</summary>
    public static class Paths
    {
        public const string ThingyConfig = "service0010/char0011";
        public const string ThingyStepCounter = "service0010/char0014";
        public const string ThingyRawMotion = "service0010/char0017";
        public const string PolarControlPoint = "service0020/char0021";
        public const string PolarData = "service0020/char0024";
    }

    private const string ControlScriptSource = """
        import sys, time, dbus

        BLUEZ = 'org.bluez'
        MOCK = 'org.freedesktop.DBus.Mock'
        CHAR = 'org.bluez.GattCharacteristic1'
        bus = dbus.SystemBus()

        def mock(path):
            return dbus.Interface(bus.get_object(BLUEZ, path), MOCK)

        NOTIFY = "self.UpdateProperties('org.bluez.GattCharacteristic1', {'Notifying': dbus.Boolean(True, variant_level=1)})"
        UNNOTIFY = "self.UpdateProperties('org.bluez.GattCharacteristic1', {'Notifying': dbus.Boolean(False, variant_level=1)})"
        # Polar answers a control-point write with an indication F0 op type 00 00 (+ factor 1.0 on start).
        POLAR_CP = ("self.UpdateProperties('org.bluez.GattCharacteristic1', {'Value': dbus.Array("
                    "[0xF0, int(args[0][0]), int(args[0][1]), 0, 0] + ([5, 1, 0, 0, 0x80, 0x3F] if int(args[0][0]) == 2 else []), signature='y', variant_level=1)})")

        def thingy(n):
            return 'ef68%s-9b35-4933-9b10-52ffa9740042' % n

        def polar(n):
            return 'fb005c8%s-02e7-f387-1cad-8acd2d8df0c8' % n

        GATT = {
            'thingy52': [('service0010', thingy('0400'), [
                ('char0011', thingy('0401'), ['read', 'write'], ''),
                ('char0014', thingy('0405'), ['notify'], ''),
                ('char0017', thingy('0406'), ['notify'], ''),
            ])],
            'polar': [('service0020', polar('0'), [
                ('char0021', polar('1'), ['read', 'write', 'indicate'], POLAR_CP),
                ('char0024', polar('2'), ['notify'], ''),
            ])],
        }

        cmd = sys.argv[1]
        if cmd == 'wait':
            for _ in range(400):
                if bus.name_has_owner(BLUEZ):
                    break
                time.sleep(0.025)
            else:
                sys.exit('org.bluez never appeared')
        elif cmd == 'adapter':
            dbus.Interface(bus.get_object(BLUEZ, '/org/bluez'), 'org.bluez.Mock').AddAdapter(sys.argv[2], 'movement-test')
        elif cmd == 'device':
            adapter, address, alias, kind = sys.argv[2:6]
            path = dbus.Interface(bus.get_object(BLUEZ, '/org/bluez'), 'org.bluez.Mock').AddDevice(adapter, address, alias)
            device = mock(path)
            # Like bluetoothd: Connect also resolves services, and both are readable as properties afterwards.
            device.AddMethod('org.bluez.Device1', 'Connect', '', '',
                             "self.UpdateProperties('org.bluez.Device1', {'Connected': dbus.Boolean(True, variant_level=1), 'ServicesResolved': dbus.Boolean(True, variant_level=1)})")
            device.AddMethod('org.bluez.Device1', 'Disconnect', '', '',
                             "self.UpdateProperties('org.bluez.Device1', {'Connected': dbus.Boolean(False, variant_level=1), 'ServicesResolved': dbus.Boolean(False, variant_level=1)})")
            device.AddProperties('org.bluez.Battery1', {'Percentage': dbus.Byte(87)})
            # GATT objects are exported without InterfacesAdded (AddObject does not emit it): the gateway must find
            # them through GetManagedObjects, as it must when ServicesResolved comes before the objects.
            root = mock('/')
            for service, suuid, chars in GATT[kind]:
                spath = path + '/' + service
                sprops = {'UUID': suuid, 'Primary': True, 'Device': dbus.ObjectPath(path)}
                root.AddObject(spath, 'org.bluez.GattService1', sprops, [])
                for char, cuuid, flags, on_write in chars:
                    cpath = spath + '/' + char
                    cprops = {'UUID': cuuid, 'Service': dbus.ObjectPath(spath), 'Value': dbus.Array([], signature='y'),
                              'Notifying': False, 'Flags': dbus.Array(flags, signature='s')}
                    root.AddObject(cpath, CHAR, cprops, [
                        ('ReadValue', 'a{sv}', 'ay', "ret = self.Get('org.bluez.GattCharacteristic1', 'Value')"),
                        ('WriteValue', 'aya{sv}', '', on_write),
                        ('StartNotify', '', '', NOTIFY),
                        ('StopNotify', '', '', UNNOTIFY),
                    ])
            print(path)
        elif cmd == 'notify':
            target = mock(sys.argv[2])
            for value in sys.argv[3:]:
                target.UpdateProperties(CHAR, {'Value': dbus.Array(bytes.fromhex(value), signature='y')})
        elif cmd == 'calls':
            for _, call_args in mock(sys.argv[2]).GetMethodCalls(sys.argv[3]):
                first = call_args[0] if len(call_args) > 0 else '-'
                if isinstance(first, dbus.Array):
                    print(bytes(int(b) for b in first).hex().upper())
                else:
                    print(str(first))
        elif cmd == 'remove':
            path = sys.argv[2]
            adapter = path.rsplit('/', 1)[0]
            dbus.Interface(bus.get_object(BLUEZ, adapter), 'org.bluez.Adapter1').RemoveDevice(dbus.ObjectPath(path))
        elif cmd == 'link':
            up = sys.argv[3] == '1'
            mock(sys.argv[2]).UpdateProperties('org.bluez.Device1', {'Connected': up, 'ServicesResolved': up})
        else:
            sys.exit('unknown command ' + cmd)
        """;
}
