namespace Movement.TestSupport;

/// <summary>
/// Debian's victoria-metrics on a free loopback port: a second, independent server that accepts InfluxDB's
/// <c>/api/v2/write</c> natively. It stores <c>measurement_field{tags}</c>; read back with <c>/api/v1/export</c>.
/// </summary>
public sealed class VictoriaMetricsServer : IAsyncDisposable
{
    private readonly string _directory;
    private readonly ServerProcess _process;

    private VictoriaMetricsServer(string directory, int port, ServerProcess process)
    {
        _directory = directory;
        Port = port;
        _process = process;
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}/");

    public static async Task<VictoriaMetricsServer> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("movement-vm-").FullName;
        var port = FreePort.Next();
        var process = ServerProcess.Start("victoria-metrics",
            [$"-storageDataPath={directory}", $"-httpListenAddr=127.0.0.1:{port}", "-retentionPeriod=100y", "-search.latencyOffset=0s", "-loggerLevel=ERROR"]);
        await FreePort.WaitListeningAsync(port, TimeSpan.FromSeconds(20), () => process.Output);
        return new VictoriaMetricsServer(directory, port, process);
    }

    /// <summary>Makes recently written samples visible to queries (VictoriaMetrics buffers them briefly).</summary>
    public async Task FlushAsync()
    {
        using var http = new HttpClient { BaseAddress = Url };
        using var response = await http.GetAsync("internal/force_flush");
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
