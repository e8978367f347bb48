using Microsoft.Extensions.Logging;
using Movement.Gateway.Sensors;
using Movement.Gateway.Sensors.Drivers;
using Movement.Messaging;
using Tmds.DBus.Protocol;

namespace Movement.Gateway.Bluetooth;

/// <summary>
/// Keeps one registered sensor streaming through BlueZ: waits until an adapter sees it, until no other gateway holds
/// it and until an adapter has a free link slot (else reports "no radio slot"), claims it, connects through that
/// adapter, finds its GATT objects by UUID, enables notifications, runs the driver's start sequence, reads the
/// battery, and streams until the link drops or another gateway's claim wins; then frees the slot, releases the
/// claim and starts over after a pause (jittered back-off after failures).
/// </summary>
internal sealed partial class DeviceSession
{
    private readonly BleGatewayService _host;
    private readonly SensorRegistration _registration;
    private readonly ISensorDriver _driver;
    private readonly SensorChannel _channel;
    private readonly BluetoothOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public DeviceSession(BleGatewayService host, SensorRegistration registration, SensorHub hub, BluetoothOptions options, TimeProvider time, ILogger logger)
    {
        _host = host;
        _registration = registration;
        _driver = SensorDrivers.Create(registration);
        _channel = hub.GetOrAdd(registration, _driver.KindName);
        _options = options;
        _time = time;
        _logger = logger;
    }

    public string SensorId => _registration.SensorId;

    public string Address => _registration.NormalizedAddress;

    /// <summary>Link state of the device object in use, fed by the orchestrator from Device1 signals.</summary>
    public DeviceLinkState Link { get; } = new();

    /// <summary>The device object the session connects through (<c>/org/bluez/{adapter}/dev_…</c>), while it has a slot.</summary>
    public string? DevicePath { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var retry = Backoff.Forever(_options.ReconnectDelayMin, _options.ReconnectDelayMax, _time,
            _ => true, (ex, delay) => LogSessionFailed(_logger, ex, SensorId, delay));
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                // Failed attempts back off; a new execution after each streaming session starts again from the minimum.
                await retry.ExecuteAsync(async token =>
                {
                    var adapter = await WaitForSlotAsync(token).ConfigureAwait(false);
                    try
                    {
                        await ConnectAndStreamAsync(adapter, token).ConfigureAwait(false);
                    }
                    finally
                    {
                        await EndLinkAsync().ConfigureAwait(false);
                    }
                }, cancellationToken).ConfigureAwait(false);

                // The link dropped after streaming: try again after the shortest pause.
                await Task.Delay(_options.ReconnectDelayMin, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            _host.Slots.Release(SensorId);
            if (_host.Claims.Release(SensorId) is { } release)
            {
                _host.Publish(release);
            }
        }
    }

    /// <summary>Until the sensor is in sight, free of other gateways, has a slot and this gateway's claim settled.</summary>
    private async Task<string> WaitForSlotAsync(CancellationToken cancellationToken)
    {
        var claims = _host.Claims;
        while (true)
        {
            var changed = _host.Changes.Next;
            var visibleOn = _host.VisibleOn(Address);
            if (visibleOn.Count == 0 || !claims.Ready || claims.HeldByOther(SensorId))
            {
                if (visibleOn.Count == 0 || claims.HeldByOther(SensorId))
                {
                    // Out of sight, or another gateway streams it: leave the line (and the status) to others.
                    Freed(_host.Slots.Release(SensorId));
                    if (_channel.NoRadioSlot && !claims.HeldByOther(SensorId))
                    {
                        // It no longer waits for a slot here: plain "not linked" until it is seen again.
                        _channel.SetLink(false);
                    }
                    if (claims.HolderOf(SensorId) is { } holder && holder != claims.GatewayId && _channel.Reporting)
                    {
                        _channel.StopReporting();
                        LogHeldElsewhere(_logger, SensorId, holder);
                    }
                }

                await ChangeSignal.WaitAsync(changed, _options.ClaimRefreshInterval, _time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (!_host.Slots.TryAcquire(SensorId, visibleOn, out var adapter))
            {
                if (!_channel.NoRadioSlot)
                {
                    LogNoRadioSlot(_logger, SensorId, _options.LinksPerAdapter);
                }

                _channel.SetNoRadioSlot();
                await ChangeSignal.WaitAsync(changed, _options.ClaimRefreshInterval, _time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            // Claim, then give a gateway that claimed at the same moment time to be heard: of the two, every gateway
            // picks the same holder (SensorClaims), and the other yields here.
            _host.Publish(claims.Claim(SensorId));
            await Task.Delay(_options.ClaimSettleDelay, _time, cancellationToken).ConfigureAwait(false);
            if (claims.HeldByOther(SensorId))
            {
                if (claims.Release(SensorId) is { } release)
                {
                    _host.Publish(release);
                }

                continue;
            }

            DevicePath = BlueZ.DevicePath(adapter, Address);
            _host.RouteLink(DevicePath, this);
            return adapter;
        }
    }

    private async Task ConnectAndStreamAsync(string adapter, CancellationToken cancellationToken)
    {
        var connection = _host.Connection;
        var devicePath = DevicePath!;
        Link.BeginConnection();
        try
        {
            try
            {
                await BlueZ.CallAsync(connection, devicePath, BlueZ.Device1, "Connect").WaitAsync(_options.ConnectTimeout, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (DBusErrorReplyException ex) when (ex.ErrorName is "org.bluez.Error.AlreadyConnected")
            {
                Link.SetConnected(true);
            }

            // The mock (and some BlueZ versions) signal Connected before Get reflects it: trust either.
            await WaitUntilAsync(Link.ConnectedTask, () => ReadBoolAsync(devicePath, "Connected"), _options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            await WaitUntilAsync(Link.ServicesResolvedTask, () => ReadBoolAsync(devicePath, "ServicesResolved"), _options.ServicesTimeout, cancellationToken).ConfigureAwait(false);
            var characteristics = await ResolveCharacteristicsAsync(devicePath, cancellationToken).ConfigureAwait(false);

            _driver.Reset();
            foreach (var (path, uuid) in characteristics.Values)
            {
                _host.RouteCharacteristic(path, new CharacteristicRoute(uuid, _driver, _channel));
            }

            foreach (var subscription in _driver.Subscriptions)
            {
                var (path, _) = characteristics[(subscription.Service, subscription.Characteristic)];
                await BlueZ.IgnoreInProgress(BlueZ.CallAsync(connection, path, BlueZ.GattCharacteristic1, "StartNotify")).ConfigureAwait(false);
            }

            foreach (var write in _driver.StartSequence)
            {
                var (path, _) = characteristics[(write.Service, write.Characteristic)];
                await BlueZ.WriteValueAsync(connection, path, write.Value, write.WithResponse).ConfigureAwait(false);
            }
        }
        catch (TimeoutException)
        {
            // Half-open link (connected, services never resolved): drop it so the next attempt starts clean.
            await BlueZ.IgnoreErrors(BlueZ.CallAsync(connection, devicePath, BlueZ.Device1, "Disconnect")).ConfigureAwait(false);
            throw;
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

        _channel.SetLink(true, battery, rssi, adapter);
        _host.CountConnect(_driver.KindName);
        LogStreaming(_logger, SensorId, _driver.KindName, adapter);

        var batteryDue = Task.Delay(_options.BatteryInterval, _time, cancellationToken);
        while (!Link.DisconnectedTask.IsCompleted)
        {
            var changed = _host.Changes.Next;
            if (_host.Claims.HeldByOther(SensorId))
            {
                // Another gateway's claim won (e.g. both took it while cut off from the broker): it reports from now on.
                _channel.StopReporting();
                var holder = _host.Claims.HolderOf(SensorId);
                LogYielded(_logger, SensorId, holder);
                await BlueZ.IgnoreErrors(BlueZ.CallAsync(connection, devicePath, BlueZ.Device1, "Disconnect")).ConfigureAwait(false);
                return;
            }

            var woke = await Task.WhenAny(Link.DisconnectedTask, batteryDue, changed).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (woke == batteryDue)
            {
                batteryDue = Task.Delay(_options.BatteryInterval, _time, cancellationToken);
                if (await ReadBatteryAsync(devicePath).ConfigureAwait(false) is { } percent)
                {
                    _channel.SetLink(true, percent, adapter: adapter);
                }
            }
        }

        LogDisconnected(_logger, SensorId, adapter);
    }

    /// <summary>Every way out of a link: stop routing its signals, report it down, free the slot and the claim.</summary>
    private Task EndLinkAsync()
    {
        if (DevicePath is { } path)
        {
            _host.Unroute(path);
            DevicePath = null;
        }

        if (_channel.Connected)
        {
            _channel.SetLink(false);
        }

        Freed(_host.Slots.Release(SensorId));
        if (_host.Claims.Release(SensorId) is { } release)
        {
            _host.Publish(release);
        }

        return Task.CompletedTask;
    }

    private void Freed(string? reservedFor)
    {
        if (reservedFor is not null)
        {
            _host.Changes.Pulse();
        }
    }

    /// <summary>ServicesResolved may come before all GATT objects are exported: poll the object tree until every one is there.</summary>
    private async Task<Dictionary<(Guid Service, Guid Characteristic), (string Path, Guid Uuid)>> ResolveCharacteristicsAsync(
        string devicePath, CancellationToken cancellationToken)
    {
        var needed = _driver.Subscriptions.Select(s => (s.Service, s.Characteristic))
            .Concat(_driver.StartSequence.Select(w => (w.Service, w.Characteristic)))
            .Distinct()
            .ToList();
        var deadline = _time.GetTimestamp() + (long)(_options.ServicesTimeout.TotalSeconds * _time.TimestampFrequency);
        while (true)
        {
            var objects = await BlueZ.GetManagedObjectsAsync(_host.Connection).ConfigureAwait(false);
            var found = BlueZ.FindCharacteristics(objects, devicePath);
            if (needed.All(found.ContainsKey))
            {
                return found;
            }

            if (_time.GetTimestamp() > deadline)
            {
                var missing = string.Join(", ", needed.Where(n => !found.ContainsKey(n)).Select(n => n.Characteristic));
                throw new TimeoutException($"GATT characteristics not exported within {_options.ServicesTimeout}: {missing}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<int?> ReadBatteryAsync(string devicePath)
    {
        try
        {
            return (await BlueZ.GetPropertyAsync(_host.Connection, devicePath, BlueZ.Battery1, "Percentage").ConfigureAwait(false)).GetByte();
        }
        catch (DBusErrorReplyException)
        {
            // No Battery1 (BlueZ claims 0x180F when the device has it); nothing else to read.
            return null;
        }
    }

    private async Task<bool> ReadBoolAsync(string devicePath, string name)
    {
        try
        {
            return (await BlueZ.GetPropertyAsync(_host.Connection, devicePath, BlueZ.Device1, name).ConfigureAwait(false)).GetBool();
        }
        catch (DBusErrorReplyException)
        {
            return false;
        }
    }

    private async Task WaitUntilAsync(Task signalled, Func<Task<bool>> poll, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = _time.GetTimestamp() + (long)(timeout.TotalSeconds * _time.TimestampFrequency);
        while (!signalled.IsCompleted && !await poll().ConfigureAwait(false))
        {
            if (_time.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"no answer from the sensor within {timeout}");
            }

            await Task.WhenAny(signalled, Task.Delay(TimeSpan.FromMilliseconds(250), _time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sensor {SensorId} failed; retrying in {Delay}")]
    private static partial void LogSessionFailed(ILogger logger, Exception exception, string sensorId, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sensor {SensorId} ({Kind}) streaming through {Adapter}")]
    private static partial void LogStreaming(ILogger logger, string sensorId, string kind, string adapter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sensor {SensorId} disconnected from {Adapter}")]
    private static partial void LogDisconnected(ILogger logger, string sensorId, string adapter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sensor {SensorId} in sight but no radio slot: every adapter holds {Limit} links")]
    private static partial void LogNoRadioSlot(ILogger logger, string sensorId, int limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sensor {SensorId} is held by gateway {Gateway}; leaving it")]
    private static partial void LogHeldElsewhere(ILogger logger, string sensorId, string? gateway);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sensor {SensorId}: gateway {Gateway}'s claim won; disconnecting")]
    private static partial void LogYielded(ILogger logger, string sensorId, string? gateway);
}

/// <summary>Where a characteristic's notifications go.</summary>
internal sealed record CharacteristicRoute(Guid Uuid, ISensorDriver Driver, SensorChannel Channel);

/// <summary>Link state of the device object a session uses, as the signals report it.</summary>
internal sealed class DeviceLinkState
{
    private readonly object _lock = new();
    private TaskCompletionSource _connected = New();
    private TaskCompletionSource _servicesResolved = New();
    private TaskCompletionSource _disconnected = New();

    public Task ConnectedTask => _connected.Task;

    public Task ServicesResolvedTask => _servicesResolved.Task;

    public Task DisconnectedTask => _disconnected.Task;

    /// <summary>The device object was removed, or bluetoothd went away: the link is gone.</summary>
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
