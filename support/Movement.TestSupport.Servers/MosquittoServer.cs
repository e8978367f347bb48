namespace Movement.TestSupport;

/// <summary>
/// Debian's mosquitto with a password file and an ACL, started privately on a free loopback port.
/// Users: <see cref="Users"/>, one per role, with the ACL that <see cref="Movement.Messaging.BrokerPermissions"/> writes. Can be stopped and started again on the same port (outage tests).
/// </summary>
public sealed class MosquittoServer : IAsyncDisposable
{
    public const string GatewayUser = "gateway";
    public const string ServiceUser = "service";
    public const string ReaderUser = "reader";
    public const string ClassifierUser = "classifier";
    public const string RecorderUser = "recorder";
    public const string DashboardUser = "dashboard";
    public const string BridgeUser = "bridge";

    /// <summary>A home hub's account: its gateway id, publishing for <see cref="HomeHubSensor"/> on the site only.</summary>
    public const string HomeHubUser = "hub-1";
    public const string HomeHubSensor = "step-1";
    public const string Password = "test-secret";

    /// <summary>The test users of both brokers: one per role; the gateway, the dashboard, the bridge and the home hub act on site-1 only.</summary>
    public static IReadOnlyList<Movement.Messaging.BrokerUser> Users { get; } = SiteUsers("site-1");

    /// <summary>One user per role (password <see cref="Password"/>); the gateway, the dashboard, the bridge and the home hub act on <paramref name="site"/> only.</summary>
    public static IReadOnlyList<Movement.Messaging.BrokerUser> SiteUsers(string site) =>
    [
        new() { Username = GatewayUser, Password = Password, Role = Movement.Messaging.BrokerRole.Gateway, Site = site },
        new() { Username = ServiceUser, Password = Password, Role = Movement.Messaging.BrokerRole.Service, Site = "+" },
        new() { Username = ReaderUser, Password = Password, Role = Movement.Messaging.BrokerRole.ReadOnly, Site = "+" },
        new() { Username = ClassifierUser, Password = Password, Role = Movement.Messaging.BrokerRole.Classifier, Site = "+" },
        new() { Username = RecorderUser, Password = Password, Role = Movement.Messaging.BrokerRole.Recorder, Site = "+" },
        new() { Username = DashboardUser, Password = Password, Role = Movement.Messaging.BrokerRole.Dashboard, Site = site },
        new() { Username = BridgeUser, Password = Password, Role = Movement.Messaging.BrokerRole.Bridge, Site = site },
        new() { Username = HomeHubUser, Password = Password, Role = Movement.Messaging.BrokerRole.HomeHub, Site = site, Sensors = [HomeHubSensor] },
    ];

    private readonly string _directory;
    private ServerProcess? _process;

    private MosquittoServer(string directory, int port, int? tlsPort)
    {
        _directory = directory;
        Port = port;
        TlsPort = tlsPort;
    }

    /// <summary>The plain listener (loopback).</summary>
    public int Port { get; }

    /// <summary>The TLS listener (loopback), when started with a certificate authority.</summary>
    public int? TlsPort { get; }

    /// <param name="extraConfiguration">Lines added to the configuration (e.g. <c>use_username_as_clientid true</c>).</param>
    /// <param name="tls">When given, a second listener on <see cref="TlsPort"/> serves TLS with this authority's server certificate.</param>
    /// <param name="users">The accounts and their ACL (<see cref="Users"/> unless given).</param>
    public static async Task<MosquittoServer> StartAsync(int? port = null, string extraConfiguration = "", TestCertificateAuthority? tls = null,
        IReadOnlyList<Movement.Messaging.BrokerUser>? users = null)
    {
        users ??= Users;
        var directory = Directory.CreateTempSubdirectory("movement-mosquitto-").FullName;
        var server = new MosquittoServer(directory, port ?? FreePort.Next(), tls is null ? null : FreePort.Next());
        var tlsListener = tls is null ? "" : $"""
            listener {server.TlsPort} 127.0.0.1
            cafile {tls.CaCertificatePath}
            certfile {tls.ServerCertificatePath}
            keyfile {tls.ServerKeyPath}
            tls_version tlsv1.2
            """;
        var passwords = Path.Combine(directory, "passwords");

        // Plain "user:password" lines, hashed in place by one mosquitto_passwd run (-U), however many accounts.
        await File.WriteAllLinesAsync(passwords, users.Select(u => $"{u.Username}:{u.Password}"));
        await using (var passwd = ServerProcess.Start("mosquitto_passwd", ["-U", passwords]))
        {
            await WaitExitAsync(passwd);
        }

        // The embedded broker's own rules, written as mosquitto's ACL: both brokers under test apply one table.
        await File.WriteAllTextAsync(Path.Combine(directory, "acl"), Movement.Messaging.BrokerPermissions.MosquittoAcl(users));
        await File.WriteAllTextAsync(Path.Combine(directory, "mosquitto.conf"), $"""
            user root
            persistence false
            listener {server.Port} 127.0.0.1
            allow_anonymous false
            password_file {passwords}
            acl_file {Path.Combine(directory, "acl")}
            set_tcp_nodelay true
            max_inflight_messages 100
            max_queued_messages 100000
            max_packet_size 262400
            log_dest stdout
            {tlsListener}
            {extraConfiguration}
            """);
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>Starts the broker again after <see cref="StopAsync"/> (same port, same users).</summary>
    public async Task StartProcessAsync()
    {
        _process = ServerProcess.Start("mosquitto", ["-c", Path.Combine(_directory, "mosquitto.conf")]);
        var process = _process;
        await FreePort.WaitListeningAsync(Port, TimeSpan.FromSeconds(10), () => process.Output);
        if (TlsPort is { } tlsPort)
        {
            await FreePort.WaitListeningAsync(tlsPort, TimeSpan.FromSeconds(10), () => process.Output);
        }
    }

    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            await process.DisposeAsync();
        }
    }

    public Movement.Messaging.MqttConnectionOptions ConnectionOptions(string user, string? password = Password) =>
        TestConnectionOptions(Port, user, password);

    /// <summary>Options for a test client of a broker on a loopback port, with quick reconnects.</summary>
    public static Movement.Messaging.MqttConnectionOptions TestConnectionOptions(int port, string user, string? password = Password) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        Username = user,
        Password = password,
        ClientIdPrefix = "test",
        ReconnectDelayMin = TimeSpan.FromMilliseconds(50),
        ReconnectDelayMax = TimeSpan.FromMilliseconds(500),
    };

    private static async Task WaitExitAsync(ServerProcess process)
    {
        for (var i = 0; i < 200 && !process.HasExited; i++)
        {
            await Task.Delay(25);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
