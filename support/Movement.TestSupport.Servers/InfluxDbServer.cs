using System.Net.Http;

namespace Movement.TestSupport;

/// <summary>
/// Debian's InfluxDB 1.6.7 (<c>influxd</c>) on free loopback ports, behind a private nginx that maps the 1.8+
/// <c>/api/v2/write</c> endpoint onto 1.x <c>/write</c> (the mapping in docs/storage.md), so InfluxDB.Client's real write
/// path runs against it. <see cref="Url"/> is nginx; InfluxQL <c>/query</c> passes through. influxd can be stopped and
/// started again on the same port with the same data (outage tests); nginx then answers 502 in between.
/// </summary>
public sealed class InfluxDbServer : IAsyncDisposable
{
    private readonly string _directory;
    private readonly int _influxPort;
    private ServerProcess? _influx;
    private ServerProcess? _nginx;

    private InfluxDbServer(string directory, int influxPort, int nginxPort)
    {
        _directory = directory;
        _influxPort = influxPort;
        NginxPort = nginxPort;
    }

    public int NginxPort { get; }

    /// <summary>The URL clients use (nginx in front of influxd).</summary>
    public Uri Url => new($"http://127.0.0.1:{NginxPort}/");

    /// <summary>influxd's own 1.x HTTP API, bypassing nginx.</summary>
    public Uri DirectUrl => new($"http://127.0.0.1:{_influxPort}/");

    public static async Task<InfluxDbServer> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("movement-influxdb-").FullName;
        var server = new InfluxDbServer(directory, FreePort.Next(), FreePort.Next());
        var rpcPort = FreePort.Next();
        await File.WriteAllTextAsync(Path.Combine(directory, "influxdb.conf"), $"""
            reporting-disabled = true
            bind-address = "127.0.0.1:{rpcPort}"
            [meta]
              dir = "{directory}/meta"
              logging-enabled = false
            [data]
              dir = "{directory}/data"
              wal-dir = "{directory}/wal"
              index-version = "inmem"
              query-log-enabled = false
            [retention]
              enabled = false
            [monitor]
              store-enabled = false
            [subscriber]
              enabled = false
            [continuous_queries]
              enabled = false
            [http]
              enabled = true
              bind-address = "127.0.0.1:{server._influxPort}"
              auth-enabled = false
              log-enabled = false
              pprof-enabled = false
            [logging]
              level = "warn"
            """);
        foreach (var temp in new[] { "body", "proxy", "fastcgi", "uwsgi", "scgi", "logs" })
        {
            Directory.CreateDirectory(Path.Combine(directory, "nginx", temp));
        }

        var nginx = Path.Combine(directory, "nginx");
        await File.WriteAllTextAsync(Path.Combine(nginx, "nginx.conf"), $$"""
            {{(Environment.UserName == "root" ? "user root;" : "")}}
            worker_processes 1;
            pid {{nginx}}/nginx.pid;
            error_log {{nginx}}/logs/error.log warn;
            events { worker_connections 256; }
            http {
              access_log off;
              client_body_temp_path {{nginx}}/body;
              proxy_temp_path {{nginx}}/proxy;
              fastcgi_temp_path {{nginx}}/fastcgi;
              uwsgi_temp_path {{nginx}}/uwsgi;
              scgi_temp_path {{nginx}}/scgi;
              client_max_body_size 256m;
              # InfluxDB.Client sends bucket "db/rp" as "db%2frp" (not decoded by nginx), hence the regexes.
              map $arg_bucket $influx_db { "~^(?<b_db>[^/%]+)(/|%2[Ff])(?<b_rp>.+)$" $b_db; default $arg_bucket; }
              map $arg_bucket $influx_rp { "~^([^/%]+)(/|%2[Ff])(?<b_rp2>.+)$" $b_rp2; default ""; }
              map $arg_precision $influx_precision { ns n; us u; ms ms; s s; default n; }
              server {
                listen 127.0.0.1:{{server.NginxPort}};
                location = /api/v2/write {
                  proxy_pass http://127.0.0.1:{{server._influxPort}}/write?db=$influx_db&rp=$influx_rp&precision=$influx_precision;
                }
                location / { proxy_pass http://127.0.0.1:{{server._influxPort}}; }
              }
            }
            """);
        await server.StartInfluxAsync();
        server._nginx = ServerProcess.Start("nginx", ["-p", nginx, "-c", Path.Combine(nginx, "nginx.conf"), "-g", "daemon off;"]);
        var started = server._nginx;
        await FreePort.WaitListeningAsync(server.NginxPort, TimeSpan.FromSeconds(10), () => started.Output);
        return server;
    }

    /// <summary>Starts influxd (again, after <see cref="StopInfluxAsync"/>) and waits until it answers /ping.</summary>
    public async Task StartInfluxAsync()
    {
        _influx = ServerProcess.Start("influxd", ["run", "-config", Path.Combine(_directory, "influxdb.conf")]);
        var process = _influx;
        await FreePort.WaitListeningAsync(_influxPort, TimeSpan.FromSeconds(30), () => process.Output);
        using var http = new HttpClient { BaseAddress = DirectUrl };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync("ping");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"influxd did not answer /ping. {process.Output}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Kills influxd (nginx stays up and answers 502), as a database outage.</summary>
    public async Task StopInfluxAsync()
    {
        if (_influx is { } process)
        {
            _influx = null;
            await process.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopInfluxAsync();
        if (_nginx is { } nginx)
        {
            await nginx.DisposeAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
