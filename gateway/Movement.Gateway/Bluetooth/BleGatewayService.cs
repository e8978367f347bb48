using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Movement.Gateway.Publishing;
using Movement.Gateway.Sensors;
using Movement.Messaging;
using Movement.Protocol;
using Tmds.DBus.Protocol;

namespace Movement.Gateway.Bluetooth;

/// <summary>
/// Real sensors through BlueZ, on one or more adapters: the orchestrator. It holds the bus connection, discovers on
/// every configured adapter, tracks which adapters see which registered sensor (others are ignored), runs one
/// <see cref="DeviceSession"/> per sensor, routes signals (parsed by <see cref="BlueZSignals"/>) to them, and renews
/// this gateway's sensor claims. Link slots come from <see cref="RadioSlots"/>, site-wide ownership from
/// <see cref="SensorClaims"/>. One PropertiesChanged match for all of /org/bluez is added once, before any
/// StartNotify, and notifications are routed by object path, so a reconnect never doubles delivery. A bluetoothd
/// restart (NameOwnerChanged) drops every link and restarts discovery.
/// </summary>
public sealed partial class BleGatewayService(
    IOptions<BluetoothOptions> options,
    SensorRegistry registry,
    SensorHub hub,
    SensorClaims claims,
    GatewayPublisher publisher,
    IOptions<GatewayOptions> gatewayOptions,
    GatewayMetrics metrics,
    ILogger<BleGatewayService> logger,
    TimeProvider time) : BackgroundService
{
    private readonly BluetoothOptions _options = options.Value;
    private readonly string _site = gatewayOptions.Value.Site;
    private readonly Dictionary<string, HashSet<string>> _visible = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CharacteristicRoute> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DeviceSession> _links = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task> _sessions = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ignored = new(StringComparer.Ordinal);
    private readonly byte[] _valueBuffer = new byte[512];
    private readonly SemaphoreSlim _bluezAppeared = new(0);
    private DBusConnection? _connection;
    private CancellationToken _stopping;

    internal RadioSlots Slots { get; } = new(options.Value.EffectiveAdapters, options.Value.LinksPerAdapter);

    internal SensorClaims Claims => claims;

    internal ChangeSignal Changes { get; } = new();

    internal DBusConnection Connection => _connection ?? throw new InvalidOperationException("not connected to the bus");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        claims.Changed += Changes.Pulse;
        var refresh = RefreshClaimsAsync(stoppingToken);
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
        finally
        {
            claims.Changed -= Changes.Pulse;
            await refresh.ConfigureAwait(false);
        }
    }

    /// <summary>Renews this gateway's claims well within their lifetime, so other gateways keep leaving those sensors alone.</summary>
    private async Task RefreshClaimsAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.ClaimRefreshInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                foreach (var claim in claims.Refreshes())
                {
                    Publish(claim);
                }

                // Claims of others lapse with time, with no message to say so: let waiting sessions look again.
                Changes.Pulse();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal void Publish(SensorClaim claim) =>
        publisher.Enqueue(new OutgoingMessage(Topics.SensorClaim(_site, claim.Sensor), ProtocolJson.Encode(claim), Retain: true));

    internal void CountConnect(string kind) => metrics.SensorConnects.Add(1, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>The adapters that currently have a device object for <paramref name="address"/>.</summary>
    internal IReadOnlyCollection<string> VisibleOn(string address)
    {
        lock (_visible)
        {
            return _visible.TryGetValue(address, out var adapters) ? [.. adapters] : [];
        }
    }

    internal void RouteLink(string devicePath, DeviceSession session) => _links[devicePath] = session;

    internal void RouteCharacteristic(string path, CharacteristicRoute route) => _routes[path] = route;

    /// <summary>Stops routing the device's signals and its characteristics' notifications.</summary>
    internal void Unroute(string devicePath)
    {
        _links.TryRemove(devicePath, out _);
        foreach (var path in _routes.Keys)
        {
            if (path.StartsWith(devicePath + "/", StringComparison.Ordinal))
            {
                _routes.TryRemove(path, out _);
            }
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
                    // bluetoothd or the adapters not there (yet): wait for NameOwnerChanged, or retry after a while.
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
            ForgetAllDevices();
            Task[] sessions;
            lock (_sessions)
            {
                sessions = [.. _sessions.Values];
                _sessions.Clear();
            }

            await Task.WhenAll(sessions).ConfigureAwait(false);
            _routes.Clear();
            _links.Clear();
        }
    }

    /// <summary>Discovery on every configured adapter that BlueZ has; false when none is there.</summary>
    private async Task<bool> TryStartDiscoveryAsync(DBusConnection connection)
    {
        Dictionary<string, Dictionary<string, Dictionary<string, VariantValue>>> objects;
        var discovering = new List<string>();
        try
        {
            objects = await BlueZ.GetManagedObjectsAsync(connection).ConfigureAwait(false);
            foreach (var adapter in Slots.Adapters)
            {
                var adapterPath = $"/org/bluez/{adapter}";
                if (!objects.TryGetValue(adapterPath, out var interfaces) || !interfaces.ContainsKey(BlueZ.Adapter1))
                {
                    LogNoAdapter(logger, adapter);
                    continue;
                }

                await BlueZ.SetDiscoveryFilterAsync(connection, adapterPath).ConfigureAwait(false);
                await BlueZ.IgnoreInProgress(BlueZ.CallAsync(connection, adapterPath, BlueZ.Adapter1, "StartDiscovery")).ConfigureAwait(false);
                discovering.Add(adapter);
            }
        }
        catch (DBusErrorReplyException ex)
        {
            LogBluezUnavailable(logger, ex.ErrorName, ex.ErrorMessage);
            return false;
        }

        if (discovering.Count == 0)
        {
            return false;
        }

        var adapters = string.Join(", ", discovering);
        LogDiscovering(logger, adapters, registry.All.Count, _options.LinksPerAdapter * discovering.Count);
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
        if (BlueZSignals.AdapterOf(path) is not { } adapter || !Slots.Adapters.Contains(adapter) || BlueZ.AddressFromDevicePath(path) is not { } address)
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

        lock (_visible)
        {
            (_visible.TryGetValue(address, out var adapters) ? adapters : _visible[address] = new HashSet<string>(StringComparer.Ordinal)).Add(adapter);
        }

        lock (_sessions)
        {
            // Discovery on each adapter and InterfacesAdded may all report the sensor: one session per sensor.
            if (!_sessions.ContainsKey(registration.SensorId) && !_stopping.IsCancellationRequested)
            {
                var session = new DeviceSession(this, registration, hub, _options, time, logger);
                _sessions[registration.SensorId] = Task.Run(() => session.RunAsync(_stopping));
            }
        }

        Changes.Pulse();
    }

    private void DeviceGone(string path)
    {
        if (BlueZSignals.AdapterOf(path) is { } adapter && BlueZ.AddressFromDevicePath(path) is { } address)
        {
            lock (_visible)
            {
                if (_visible.TryGetValue(address, out var adapters))
                {
                    adapters.Remove(adapter);
                }
            }
        }

        if (_links.TryGetValue(path, out var session))
        {
            session.Link.MarkDisconnected();
        }

        Changes.Pulse();
    }

    private void ForgetAllDevices()
    {
        lock (_visible)
        {
            _visible.Clear();
        }

        foreach (var session in _links.Values)
        {
            session.Link.MarkDisconnected();
        }

        Changes.Pulse();
    }

    /// <summary>Runs on the D-Bus receive loop: routes notifications and link state. Never throws.</summary>
    private bool OnPropertiesChanged(Message message)
    {
        try
        {
            var change = BlueZSignals.ReadPropertiesChanged(message, _valueBuffer);
            if (change.IsCharacteristic && change.ValueLength != -1 && _routes.TryGetValue(change.Path, out var route))
            {
                if (change.ValueLength == BlueZSignals.ValueTooLong)
                {
                    route.Channel.RejectFrame("gatt notification", $"value longer than {_valueBuffer.Length} bytes");
                }
                else
                {
                    var receivedUs = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
                    route.Driver.OnNotification(route.Uuid, _valueBuffer.AsSpan(0, change.ValueLength), receivedUs, route.Channel);
                }
            }
            else if (change.IsDevice && _links.TryGetValue(change.Path, out var session))
            {
                if (change.Connected is { } connected)
                {
                    session.Link.SetConnected(connected);
                }

                if (change.ServicesResolved is { } resolved)
                {
                    session.Link.SetServicesResolved(resolved);
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
            var (path, device) = BlueZSignals.ReadInterfacesChanged(message, added);
            if (device && added)
            {
                DevicePresent(path);
            }
            else if (device)
            {
                DeviceGone(path);
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
            var (left, appeared) = BlueZSignals.ReadNameOwnerChanged(message);
            if (left)
            {
                LogBluezGone(logger);
                ForgetAllDevices();
            }

            if (appeared)
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

    [LoggerMessage(Level = LogLevel.Error, Message = "D-Bus system bus failed; retrying in {Delay}")]
    private static partial void LogBusFailed(ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "BlueZ adapter {Adapter} not found")]
    private static partial void LogNoAdapter(ILogger logger, string adapter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "BlueZ unavailable: {ErrorName} {ErrorMessage}")]
    private static partial void LogBluezUnavailable(ILogger logger, string errorName, string errorMessage);

    [LoggerMessage(Level = LogLevel.Information, Message = "Discovering on {Adapters} for {Count} registered sensors ({Slots} link slots)")]
    private static partial void LogDiscovering(ILogger logger, string adapters, int count, int slots);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignoring unregistered device {Address}")]
    private static partial void LogIgnored(ILogger logger, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "bluetoothd left the bus; all sensor links are down until it returns")]
    private static partial void LogBluezGone(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Failed to handle a BlueZ signal")]
    private static partial void LogSignalFailed(ILogger logger, Exception exception);
}
