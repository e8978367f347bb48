using Movement.Messaging;

namespace Movement.TestSupport;

/// <summary>
/// Runs an <see cref="MqttConnection"/> outside a host (test probes, the load harness's clients): starts its
/// reconnect loop, waits until it is connected, and on dispose stops the loop and disposes the connection.
/// Product components run theirs in a <c>BackgroundService</c> instead.
/// </summary>
public sealed class MqttConnectionRunner(MqttConnection connection) : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);
    private readonly CancellationTokenSource _stop = new();
    private Task? _run;

    public MqttConnection Connection { get; } = connection;

    /// <summary>Starts the connection (once) and waits until it is connected; throws if that takes over 30 s.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        _run ??= Connection.RunAsync(_stop.Token);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        await Connection.WaitConnectedAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            try
            {
                await _run;
            }
            catch (OperationCanceledException)
            {
            }
        }

        Connection.Dispose();
        _stop.Dispose();
    }
}
