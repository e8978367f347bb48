using System.Net;
using System.Net.Sockets;

namespace Movement.TestSupport;

public static class FreePort
{
    // Below Linux's ephemeral range (32768-60999): a port from that range can be taken by any outgoing connection
    // between a server's stop and its restart on the same port, which then fails with "address already in use".
    private const int FirstPort = 20000;
    private const int PortCount = 12000;
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A loopback TCP port nobody listens on right now, outside the ephemeral range, and never the same one twice in
    /// this process (so a stopped server can get its port back).
    /// </summary>
    public static int Next()
    {
        TestScope.EnsureServersAllowed("a loopback port (a server)");
        lock (HandedOut)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = FirstPort + Random.Shared.Next(PortCount);
                if (HandedOut.Contains(port))
                {
                    continue;
                }

                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                }
                catch (SocketException)
                {
                    continue;
                }

                HandedOut.Add(port);
                return port;
            }
        }

        throw new InvalidOperationException($"No free loopback port in {FirstPort}-{FirstPort + PortCount - 1} after 1000 tries.");
    }

    /// <summary>Waits until something accepts TCP connections on the port, or throws after <paramref name="timeout"/>.</summary>
    public static async Task WaitListeningAsync(int port, TimeSpan timeout, Func<string>? diagnostics = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
            catch (SocketException ex)
            {
                throw new TimeoutException($"Nothing listens on 127.0.0.1:{port} after {timeout}. {diagnostics?.Invoke()}", ex);
            }
        }
    }
}
