using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Movement.Gateway.Decoders;
using Movement.Gateway.Sensors;
using Movement.Gateway.Sensors.Drivers;
using Movement.Messaging;
using Tmds.DBus.Protocol;

namespace Movement.Gateway.Bluetooth;

/// <summary>
/// Real sensors through BlueZ: discovers the registered sensors (others are ignored), connects each, waits for
/// its GATT objects (by UUID), enables notifications, runs the driver's start sequence, reads the battery, and
/// reconnects with jittered back-off (<see cref="Backoff"/>) when the link drops. One PropertiesChanged match for all of /org/bluez is added once,
/// before any StartNotify, and notifications are routed by object path, so a reconnect never doubles delivery.
/// A bluetoothd restart (NameOwnerChanged) drops every link and restarts discovery.
/// </summary>
public sealed partial class BleGatewayService(
    IOptions<BluetoothOptions> options,
    SensorRegistry registry,
    SensorHub hub,
    GatewayMetrics metrics,
    ILogger<BleGatewayService> logger,
    TimeProvider time) : BackgroundService
{
    private readonly BluetoothOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, DeviceState> _devices = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CharacteristicRoute> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _sessions = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ignored = new(StringComparer.Ordinal);
    private readonly byte[] _valueBuffer = new byte[512];
    private readonly SemaphoreSlim _bluezAppeared = new(0);
    private DBusConnection? _connection;
    private CancellationToken _stopping;

    private string AdapterPath => $"/org/bluez/{_options.Adapter}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        // No system bus (yet), or it went away: every link is down; try again later.
        var busRetry = Backoff.Forever(_options.ReconnectDelayMin, _options.ReconnectDelayMax, time,
            _ => true, (ex, delay) => LogBusFailed(logger, ex, delay));
        try
        {
            await busRetry.ExecuteAsync(async token => await RunBusAsync(token).ConfigureAwait(false), stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunBusAsync(CancellationToken stoppingToken)
    {
        var address = string.IsNullOrEmpty(_options.BusAddress) ? DBusAddress.System : _options.BusAddress;
        using var connection = new DBusConnection(address ?? throw new InvalidOperationException("No D-Bus system bus address is known; set Movement:Gateway:Bluetooth:BusAddress."));
        _connection = connection;
        await connection.ConnectAsync().ConfigureAwait(false);
        using var busLifetime = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        _stopping = busLifetime.Token;
        var busLost = connection.DisconnectedAsync();

        // Matches first (pitfall: notifications before the match are lost), and only once per D-Bus connection.
        using var propertiesMatch = await connection.AddMatchAsync(
            new MatchRule { Type = MessageType.Signal, Interface = BlueZ.Properties, Member = "PropertiesChanged", PathNamespace = "/org/bluez" },
            (message, _) => OnPropertiesChanged(message), static (Notification<bool> _) => { }, false, ObserverFlags.None, null).ConfigureAwait(false);
        using var addedMatch = await connection.AddMatchAsync(
            new MatchRule { Type = MessageType.Signal, Interface = BlueZ.ObjectManager, Member = "InterfacesAdded" },
            (message, _) => OnInterfacesChanged(message, added: true), static (Notification<bool> _) => { }, false, ObserverFlags.None, null).ConfigureAwait(false);
        using var removedMatch = await connection.AddMatchAsync(
            new MatchRule { Type = MessageType.Signal, Interface = BlueZ.ObjectManager, Member = "InterfacesRemoved" },
            (message, _) => OnInterfacesChanged(message, added: false), static (Notification<bool> _) => { }, false, ObserverFlags.None, null).ConfigureAwait(false);
        using var ownerMatch = await connection.AddMatchAsync(
            new MatchRule { Type = MessageType.Signal, Sender = "org.freedesktop.DBus", Interface = "org.freedesktop.DBus", Member = "NameOwnerChanged", Arg0 = BlueZ.Service },
            (message, _) => OnNameOwnerChanged(message), static (Notification<bool> _) => { }, false, ObserverFlags.None, null).ConfigureAwait(false);

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (!await TryStartDiscoveryAsync(connection).ConfigureAwait(false))
                {
                    // bluetoothd not there (yet): wait for NameOwnerChanged, or retry after a while.
                    await Task.WhenAny(_bluezAppeared.WaitAsync(stoppingToken), Task.Delay(_options.ReconnectDelayMax, time, stoppingToken)).ConfigureAwait(false);
                    stoppingToken.ThrowIfCancellationRequested();
                    continue;
                }

                if (await Task.WhenAny(_bluezAppeared.WaitAsync(stoppingToken), busLost).ConfigureAwait(false) == busLost)
                {
                    var lost = await busLost.ConfigureAwait(false);
                    throw new IOException($"D-Bus connection lost: {lost?.Message ?? "disconnected"}", lost);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await busLifetime.CancelAsync().ConfigureAwait(false);
            foreach (var state in _devices.Values)
            {
                state.MarkDisconnected();
            }

            _devices.Clear();

            Task[] sessions;
            lock (_sessions)
            {
                sessions = [.. _sessions.Values];
                _sessions.Clear();
            }

            await Task.WhenAll(sessions).ConfigureAwait(false);
            foreach (var path in _routes.Keys)
            {
                _routes.TryRemove(path, out _);
            }
        }
    }

    private async Task<bool> TryStartDiscoveryAsync(DBusConnection connection)
    {
        Dictionary<string, Dictionary<string, Dictionary<string, VariantValue>>> objects;
        try
        {
            objects = await BlueZ.GetManagedObjectsAsync(connection).ConfigureAwait(false);
            if (!objects.TryGetValue(AdapterPath, out var adapter) || !adapter.ContainsKey(BlueZ.Adapter1))
            {
                LogNoAdapter(logger, _options.Adapter);
                return false;
            }

            await BlueZ.SetDiscoveryFilterAsync(connection, AdapterPath).ConfigureAwait(false);
            await IgnoreInProgress(BlueZ.CallAsync(connection, AdapterPath, BlueZ.Adapter1, "StartDiscovery")).ConfigureAwait(false);
        }
        catch (DBusErrorReplyException ex)
        {
            LogBluezUnavailable(logger, ex.ErrorName, ex.ErrorMessage);
            return false;
        }

        LogDiscovering(logger, _options.Adapter, registry.All.Count);
        foreach (var (path, interfaces) in objects)
        {
            if (interfaces.ContainsKey(BlueZ.Device1))
            {
                DevicePresent(path);
            }
        }

        return true;
    }

    private void DevicePresent(string path)
    {
        if (!path.StartsWith(AdapterPath + "/", StringComparison.Ordinal) || BlueZ.AddressFromDevicePath(path) is not { } address)
        {
            return;
        }

        if (!registry.TryGet(address, out var registration))
        {
            lock (_ignored)
            {
                if (_ignored.Add(address))
                {
                    LogIgnored(logger, address);
                }
            }

            return;
        }

        var state = _devices.GetOrAdd(path, _ => new DeviceState());
        state.MarkPresent();
        lock (_sessions)
        {
            // Discovery and InterfacesAdded may both report the device: one session per device.
            if (!_sessions.ContainsKey(path))
            {
                _sessions[path] = Task.Run(() => RunSensorAsync(registration, path, state, _stopping));
            }
        }
    }

    /// <summary>Keeps one sensor streaming: connect, set up, stream until the link drops, back off, repeat.</summary>
    private async Task RunSensorAsync(SensorRegistration registration, string devicePath, DeviceState state, CancellationToken cancellationToken)
    {
        var driver = SensorDrivers.Create(registration);
        var channel = hub.GetOrAdd(registration, driver.KindName);
        var sessionRetry = Backoff.Forever(_options.ReconnectDelayMin, _options.ReconnectDelayMax, time,
            _ => true, (ex, delay) => LogSessionFailed(logger, ex, registration.SensorId, delay));
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // Failed attempts back off; a new execution after each streaming session starts again from the minimum.
                await sessionRetry.ExecuteAsync(async token =>
                {
                    try
                    {
                        await state.WaitPresentAsync(token).ConfigureAwait(false);
                        await ConnectAndStreamAsync(registration, devicePath, state, driver, channel, token).ConfigureAwait(false);
                    }
                    catch (TimeoutException) when (_connection is { } connection)
                    {
                        // Half-open link (connected, services never resolved): drop it so the next attempt starts clean.
                        await IgnoreErrors(BlueZ.CallAsync(connection, devicePath, BlueZ.Device1, "Disconnect")).ConfigureAwait(false);
                        throw;
                    }
                    finally
                    {
                        UnrouteDevice(devicePath);
                        if (channel.Connected)
                        {
                            channel.SetLink(false);
                        }
                    }
                }, cancellationToken).ConfigureAwait(false);

                // The link dropped after streaming: reconnect after the shortest pause.
                await Task.Delay(_options.ReconnectDelayMin, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }
    }

    private async Task ConnectAndStreamAsync(SensorRegistration registration, string devicePath, DeviceState state,
        ISensorDriver driver, SensorChannel channel, CancellationToken cancellationToken)
    {
        var connection = _connection!;
        state.BeginConnection();
        try
        {
            await BlueZ.CallAsync(connection, devicePath, BlueZ.Device1, "Connect").WaitAsync(_options.ConnectTimeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (DBusErrorReplyException ex) when (ex.ErrorName is "org.bluez.Error.AlreadyConnected")
        {
            state.SetConnected(true);
        }

        // The mock (and some BlueZ versions) signal Connected before Get reflects it: trust either.
        await WaitUntilAsync(state.ConnectedTask, () => ReadBoolAsync(devicePath, BlueZ.Device1, "Connected"), _options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        await WaitUntilAsync(state.ServicesResolvedTask, () => ReadBoolAsync(devicePath, BlueZ.Device1, "ServicesResolved"), _options.ServicesTimeout, cancellationToken).ConfigureAwait(false);
        var characteristics = await ResolveCharacteristicsAsync(devicePath, driver, cancellationToken).ConfigureAwait(false);

        driver.Reset();
        foreach (var (path, uuid) in characteristics.Values)
        {
            _routes[path] = new CharacteristicRoute(uuid, driver, channel);
        }

        foreach (var subscription in driver.Subscriptions)
        {
            var (path, _) = characteristics[(subscription.Service, subscription.Characteristic)];
            await IgnoreInProgress(BlueZ.CallAsync(connection, path, BlueZ.GattCharacteristic1, "StartNotify")).ConfigureAwait(false);
        }

        foreach (var write in driver.StartSequence)
        {
            var (path, _) = characteristics[(write.Service, write.Characteristic)];
            await BlueZ.WriteValueAsync(connection, path, write.Value, write.WithResponse).ConfigureAwait(false);
        }

        var battery = await ReadBatteryAsync(devicePath).ConfigureAwait(false);
        int? rssi = null;
        try
        {
            rssi = (await BlueZ.GetPropertyAsync(connection, devicePath, BlueZ.Device1, "RSSI").ConfigureAwait(false)).GetInt16();
        }
        catch (DBusErrorReplyException)
        {
            // RSSI is only present while advertising data is fresh.
        }

        channel.SetLink(true, battery, rssi);
        metrics.SensorConnects.Add(1, new KeyValuePair<string, object?>("kind", driver.KindName));
        LogStreaming(logger, registration.SensorId, driver.KindName);

        while (!state.DisconnectedTask.IsCompleted)
        {
            var disconnected = await Task.WhenAny(state.DisconnectedTask, Task.Delay(_options.BatteryInterval, time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (disconnected != state.DisconnectedTask && await ReadBatteryAsync(devicePath).ConfigureAwait(false) is { } percent)
            {
                channel.SetLink(true, percent);
            }
        }

        LogDisconnected(logger, registration.SensorId);
    }

    /// <summary>ServicesResolved may come before all GATT objects are exported: poll the object tree until every one is there.</summary>
    private async Task<Dictionary<(Guid Service, Guid Characteristic), (string Path, Guid Uuid)>> ResolveCharacteristicsAsync(
        string devicePath, ISensorDriver driver, CancellationToken cancellationToken)
    {
        var needed = driver.Subscriptions.Select(s => (s.Service, s.Characteristic))
            .Concat(driver.StartSequence.Select(w => (w.Service, w.Characteristic)))
            .Distinct()
            .ToList();
        var deadline = time.GetTimestamp() + (long)(_options.ServicesTimeout.TotalSeconds * time.TimestampFrequency);
        while (true)
        {
            var objects = await BlueZ.GetManagedObjectsAsync(_connection!).ConfigureAwait(false);
            var services = new Dictionary<string, Guid>(StringComparer.Ordinal);
            foreach (var (path, interfaces) in objects)
            {
                if (path.StartsWith(devicePath + "/", StringComparison.Ordinal) && interfaces.TryGetValue(BlueZ.GattService1, out var props) &&
                    props.TryGetValue("UUID", out var uuid) && Guid.TryParse(uuid.GetString(), out var serviceUuid))
                {
                    services[path] = serviceUuid;
                }
            }

            var found = new Dictionary<(Guid, Guid), (string, Guid)>();
            foreach (var (path, interfaces) in objects)
            {
                if (interfaces.TryGetValue(BlueZ.GattCharacteristic1, out var props) &&
                    props.TryGetValue("UUID", out var uuid) && Guid.TryParse(uuid.GetString(), out var characteristicUuid) &&
                    props.TryGetValue("Service", out var service) && services.TryGetValue(service.GetObjectPathAsString(), out var serviceUuid))
                {
                    found[(serviceUuid, characteristicUuid)] = (path, characteristicUuid);
                }
            }

            if (needed.All(found.ContainsKey))
            {
                return found;
            }

            if (time.GetTimestamp() > deadline)
            {
                var missing = string.Join(", ", needed.Where(n => !found.ContainsKey(n)).Select(n => n.Characteristic));
                await IgnoreErrors(BlueZ.CallAsync(_connection!, devicePath, BlueZ.Device1, "Disconnect")).ConfigureAwait(false);
                throw new TimeoutException($"GATT characteristics not exported within {_options.ServicesTimeout}: {missing}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<int?> ReadBatteryAsync(string devicePath)
    {
        try
        {
            return (await BlueZ.GetPropertyAsync(_connection!, devicePath, BlueZ.Battery1, "Percentage").ConfigureAwait(false)).GetByte();
        }
        catch (DBusErrorReplyException)
        {
            // No Battery1 (BlueZ claims 0x180F when the device has it); nothing else to read.
            return null;
        }
    }

    private async Task<bool> ReadBoolAsync(string path, string @interface, string name)
    {
        try
        {
            return (await BlueZ.GetPropertyAsync(_connection!, path, @interface, name).ConfigureAwait(false)).GetBool();
        }
        catch (DBusErrorReplyException)
        {
            return false;
        }
    }

    private async Task WaitUntilAsync(Task signalled, Func<Task<bool>> poll, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = time.GetTimestamp() + (long)(timeout.TotalSeconds * time.TimestampFrequency);
        while (!signalled.IsCompleted && !await poll().ConfigureAwait(false))
        {
            if (time.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"no answer from the sensor within {timeout}");
            }

            await Task.WhenAny(signalled, Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private void UnrouteDevice(string devicePath)
    {
        foreach (var path in _routes.Keys)
        {
            if (path.StartsWith(devicePath + "/", StringComparison.Ordinal))
            {
                _routes.TryRemove(path, out _);
            }
        }
    }

    /// <summary>Runs on the D-Bus receive loop: routes notifications and tracks link state. Never throws.</summary>
    private bool OnPropertiesChanged(Message message)
    {
        try
        {
            var path = message.PathAsString;
            if (path is null)
            {
                return false;
            }

            var reader = message.GetBodyReader();
            var @interface = reader.ReadString();
            if (@interface == BlueZ.GattCharacteristic1)
            {
                if (!_routes.TryGetValue(path, out var route))
                {
                    return false;
                }

                var end = reader.ReadArrayStart(DBusType.DictEntry);
                while (reader.HasNext(end))
                {
                    reader.AlignStruct();
                    var isValue = reader.ReadStringAsSpan().SequenceEqual("Value"u8);
                    var peek = reader;
                    if (isValue && reader.ReadSignatureAsSpan().SequenceEqual("ay"u8))
                    {
                        var bytes = reader.ReadArrayStart(DBusType.Byte);
                        var length = 0;
                        var overflow = false;
                        while (reader.HasNext(bytes))
                        {
                            var b = reader.ReadByte();
                            if (length < _valueBuffer.Length)
                            {
                                _valueBuffer[length++] = b;
                            }
                            else
                            {
                                overflow = true;
                            }
                        }

                        if (overflow)
                        {
                            route.Channel.RejectFrame("gatt notification", $"value longer than {_valueBuffer.Length} bytes");
                        }
                        else
                        {
                            var receivedUs = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
                            route.Driver.OnNotification(route.Uuid, _valueBuffer.AsSpan(0, length), receivedUs, route.Channel);
                        }
                    }
                    else
                    {
                        reader = peek;
                        reader.ReadVariantValue();
                    }
                }
            }
            else if (@interface == BlueZ.Device1 && _devices.TryGetValue(path, out var state))
            {
                foreach (var (name, value) in reader.ReadDictionaryOfStringToVariantValue())
                {
                    if (name == "Connected" && value.Type == VariantValueType.Bool)
                    {
                        state.SetConnected(value.GetBool());
                    }
                    else if (name == "ServicesResolved" && value.Type == VariantValueType.Bool)
                    {
                        state.SetServicesResolved(value.GetBool());
                    }
                }
            }
        }
        catch (Exception ex)
        {
            // A handler that throws would tear the D-Bus connection down: count and go on.
            metrics.FramesRejected.Add(1, new KeyValuePair<string, object?>("kind", "dbus"));
            LogSignalFailed(logger, ex);
        }

        return true;
    }

    private bool OnInterfacesChanged(Message message, bool added)
    {
        try
        {
            var reader = message.GetBodyReader();
            var path = reader.ReadObjectPathAsString();
            var interfaces = new List<string>();
            if (added)
            {
                var end = reader.ReadArrayStart(DBusType.DictEntry);
                while (reader.HasNext(end))
                {
                    reader.AlignStruct();
                    interfaces.Add(reader.ReadString());
                    reader.ReadDictionaryOfStringToVariantValue();
                }
            }
            else
            {
                interfaces.AddRange(reader.ReadArrayOfString());
            }

            if (interfaces.Contains(BlueZ.Device1))
            {
                if (added)
                {
                    DevicePresent(path);
                }
                else if (_devices.TryGetValue(path, out var state))
                {
                    state.MarkGone();
                }
            }
        }
        catch (Exception ex)
        {
            LogSignalFailed(logger, ex);
        }

        return true;
    }

    private bool OnNameOwnerChanged(Message message)
    {
        try
        {
            var reader = message.GetBodyReader();
            reader.ReadString();
            var oldOwner = reader.ReadString();
            var newOwner = reader.ReadString();
            if (!string.IsNullOrEmpty(oldOwner))
            {
                LogBluezGone(logger);
                foreach (var state in _devices.Values)
                {
                    state.MarkGone();
                }
            }

            if (!string.IsNullOrEmpty(newOwner))
            {
                _bluezAppeared.Release();
            }
        }
        catch (Exception ex)
        {
            LogSignalFailed(logger, ex);
        }

        return true;
    }

    private static async Task IgnoreInProgress(Task call)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (DBusErrorReplyException ex) when (ex.ErrorName is "org.bluez.Error.InProgress" or "org.bluez.Error.AlreadyExists")
        {
        }
    }

    private static async Task IgnoreErrors(Task call)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (DBusErrorReplyException)
        {
        }
    }

    private sealed record CharacteristicRoute(Guid Uuid, ISensorDriver Driver, SensorChannel Channel);

    /// <summary>Link state of one device object as the signals report it.</summary>
    private sealed class DeviceState
    {
        private readonly object _lock = new();
        private TaskCompletionSource _present = New();
        private TaskCompletionSource _connected = New();
        private TaskCompletionSource _servicesResolved = New();
        private TaskCompletionSource _disconnected = New();

        public Task ConnectedTask => _connected.Task;

        public Task ServicesResolvedTask => _servicesResolved.Task;

        public Task DisconnectedTask => _disconnected.Task;

        public Task WaitPresentAsync(CancellationToken cancellationToken) => _present.Task.WaitAsync(cancellationToken);

        public void MarkPresent() => _present.TrySetResult();

        /// <summary>The device object was removed (or bluetoothd went away): wait for it to be found again.</summary>
        public void MarkGone()
        {
            lock (_lock)
            {
                if (_present.Task.IsCompleted)
                {
                    _present = New();
                }

                _disconnected.TrySetResult();
            }
        }

        public void MarkDisconnected() => _disconnected.TrySetResult();

        public void BeginConnection()
        {
            lock (_lock)
            {
                _connected = New();
                _servicesResolved = New();
                _disconnected = New();
            }
        }

        public void SetConnected(bool connected)
        {
            lock (_lock)
            {
                if (connected)
                {
                    _connected.TrySetResult();
                }
                else if (_connected.Task.IsCompleted)
                {
                    _disconnected.TrySetResult();
                }
            }
        }

        public void SetServicesResolved(bool resolved)
        {
            if (resolved)
            {
                _servicesResolved.TrySetResult();
            }
        }

        private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "D-Bus system bus failed; retrying in {Delay}")]
    private static partial void LogBusFailed(ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "BlueZ adapter {Adapter} not found")]
    private static partial void LogNoAdapter(ILogger logger, string adapter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "BlueZ unavailable: {ErrorName} {ErrorMessage}")]
    private static partial void LogBluezUnavailable(ILogger logger, string errorName, string errorMessage);

    [LoggerMessage(Level = LogLevel.Information, Message = "Discovering on {Adapter} for {Count} registered sensors")]
    private static partial void LogDiscovering(ILogger logger, string adapter, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignoring unregistered device {Address}")]
    private static partial void LogIgnored(ILogger logger, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sensor {SensorId} failed; retrying in {Delay}")]
    private static partial void LogSessionFailed(ILogger logger, Exception exception, string sensorId, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sensor {SensorId} ({Kind}) streaming")]
    private static partial void LogStreaming(ILogger logger, string sensorId, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sensor {SensorId} disconnected")]
    private static partial void LogDisconnected(ILogger logger, string sensorId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "bluetoothd left the bus; all sensor links are down until it returns")]
    private static partial void LogBluezGone(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Failed to handle a BlueZ signal")]
    private static partial void LogSignalFailed(ILogger logger, Exception exception);
}
