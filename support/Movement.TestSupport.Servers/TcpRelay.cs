using System.Net;
using System.Net.Sockets;

namespace Movement.TestSupport;

/// <summary>
/// A fault injector at the network boundary: a loopback TCP port that forwards every connection to a target port,
/// byte for byte (TLS passes through untouched). <see cref="CutAsync"/> drops every connection and stops listening, as a
/// lost uplink refuses a client's reconnects; <see cref="Restore"/> listens again on the same port.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly int _targetPort;
    private readonly List<TcpClient> _connections = [];
    private readonly object _gate = new();
    private TcpListener? _listener;
    private CancellationTokenSource? _accepting;
    private Task _acceptLoop = Task.CompletedTask;

    private TcpRelay(int port, int targetPort)
    {
        Port = port;
        _targetPort = targetPort;
    }

    /// <summary>Where clients connect (loopback).</summary>
    public int Port { get; }

    /// <summary>Connections accepted since the relay started, over every <see cref="Restore"/>.</summary>
    public int ConnectionsAccepted { get; private set; }

    public static TcpRelay Start(int targetPort)
    {
        var relay = new TcpRelay(FreePort.Next(), targetPort);
        relay.Restore();
        return relay;
    }

    /// <summary>Listens (again) and forwards new connections.</summary>
    public void Restore()
    {
        lock (_gate)
        {
            if (_listener is not null)
            {
                return;
            }

            var listener = new TcpListener(IPAddress.Loopback, Port);
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            _listener = listener;
            _accepting = new CancellationTokenSource();
            _acceptLoop = AcceptAsync(listener, _accepting.Token);
        }
    }

    /// <summary>Stops listening and resets every open connection, both ways.</summary>
    public async Task CutAsync()
    {
        Task loop;
        lock (_gate)
        {
            if (_listener is null)
            {
                return;
            }

            _accepting!.Cancel();
            _listener.Stop();
            _listener = null;
            foreach (var connection in _connections)
            {
                if (connection.Client is { } socket) // null once its pump has closed it
                {
                    socket.LingerState = new LingerOption(true, 0); // RST, as a dropped route ends up
                }

                connection.Dispose();
            }

            _connections.Clear();
            loop = _acceptLoop;
        }

        await loop.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var outbound = new TcpClient();
            try
            {
                await outbound.ConnectAsync(IPAddress.Loopback, _targetPort, cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                inbound.Dispose();
                outbound.Dispose();
                continue;
            }

            lock (_gate)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    inbound.Dispose();
                    outbound.Dispose();
                    return;
                }

                _connections.Add(inbound);
                _connections.Add(outbound);
                ConnectionsAccepted++;
            }

            _ = PumpAsync(inbound, outbound);
            _ = PumpAsync(outbound, inbound);
        }
    }

    private static async Task PumpAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream());
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException or InvalidOperationException)
        {
        }
        finally
        {
            // One side closed: close the other, as a relay with nothing to relay would.
            from.Dispose();
            to.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await CutAsync();
}
