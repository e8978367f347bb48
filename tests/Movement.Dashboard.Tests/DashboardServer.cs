using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Movement.Dashboard;
using Movement.Dashboard.Data;
using Movement.TestSupport;

namespace Movement.Dashboard.Tests;

/// <summary>
/// The whole single-box system started in-process on free ports: Kestrel, the embedded broker, the gateway
/// simulator, the classifier, the store and the dashboard, with private databases. No demo session: tests start one.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    public const string SupervisorUser = "supervisor";
    public const string SupervisorPassword = "Test-supervisor-pw1";
    public const string ParticipantPassword = "Test-participant-pw1";
    public const string ProbeUser = "probe";
    public const string ProbePassword = "probe-secret";
    public const int GroupSize = 10;

    private readonly WebApplication _app;
    private readonly string _directory;

    private DashboardServer(WebApplication app, string directory, string baseUrl, int brokerPort)
    {
        _app = app;
        _directory = directory;
        BaseUrl = baseUrl;
        BrokerPort = brokerPort;
    }

    public string BaseUrl { get; }

    public int BrokerPort { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<DashboardServer> StartAsync(IDictionary<string, string?>? overrides = null)
    {
        var directory = Directory.CreateTempSubdirectory("movement-dashboard-").FullName;
        var httpPort = FreePort.Next();
        var brokerPort = FreePort.Next();
        var baseUrl = $"http://127.0.0.1:{httpPort}";
        var settings = new Dictionary<string, string?>
        {
            ["Urls"] = baseUrl,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Movement:Broker:Port"] = brokerPort.ToString(),
            ["Movement:Broker:Users:4:Username"] = ProbeUser,
            ["Movement:Broker:Users:4:Password"] = ProbePassword,
            ["Movement:Broker:Users:4:Role"] = "Service",
            ["Movement:Broker:Users:4:Site"] = "+",
            ["Movement:Mqtt:Port"] = brokerPort.ToString(),
            ["Movement:Mqtt:ReconnectDelayMin"] = "00:00:00.050",
            ["Movement:Gateway:Simulator:Sensors"] = GroupSize.ToString(),
            ["Movement:Store:SqlitePath"] = Path.Combine(directory, "movement.db"),
            ["Movement:Store:OutboxPath"] = Path.Combine(directory, "outbox.db"),
            ["Movement:Dashboard:DatabasePath"] = Path.Combine(directory, "dashboard.db"),
            ["Movement:Gateway:Queue:Directory"] = Path.Combine(directory, "gateway-queue"),
            ["Movement:Dashboard:DemoSession"] = "false",
            ["Movement:Dashboard:Seed:Enabled"] = "true",
            ["Movement:Dashboard:Seed:SupervisorUserName"] = SupervisorUser,
            ["Movement:Dashboard:Seed:SupervisorPassword"] = SupervisorPassword,
            ["Movement:Dashboard:Seed:ParticipantPassword"] = ParticipantPassword,
            ["Movement:Dashboard:Seed:Participants"] = GroupSize.ToString(),
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var projectDirectory = Path.Combine(RepositoryRoot.Path, "dashboard", "Movement.Dashboard");
        var app = DashboardHost.Build([], builder => builder.Configuration.AddInMemoryCollection(settings), new WebApplicationOptions
        {
            ApplicationName = "Movement.Dashboard",
            ContentRootPath = projectDirectory,
            // What users run (the README's command has no environment): Development-only behaviour must not hide a fault.
            EnvironmentName = Environments.Production,
        });
        await app.StartAsync();
        return new DashboardServer(app, directory, baseUrl, brokerPort);
    }

    /// <summary>Participant N's pseudonymous id (1-based, as in the login name participantNN).</summary>
    public async Task<string> ParticipantIdAsync(int number)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DashboardDbContext>();
        var userName = $"PARTICIPANT{number:D2}";
        return await db.Users.Where(u => u.NormalizedUserName == userName).Select(u => u.ParticipantId!).SingleAsync();
    }

    public MqttConnectionOptionsFactory Mqtt => new(BrokerPort);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public sealed class MqttConnectionOptionsFactory(int port)
{
    public Movement.Messaging.MqttConnectionOptions Probe() => new()
    {
        Host = "127.0.0.1",
        Port = port,
        Username = DashboardServer.ProbeUser,
        Password = DashboardServer.ProbePassword,
        ClientIdPrefix = "test",
        ReconnectDelayMin = TimeSpan.FromMilliseconds(50),
        ReconnectDelayMax = TimeSpan.FromMilliseconds(500),
    };
}
