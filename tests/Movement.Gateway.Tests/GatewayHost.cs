using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Movement.Gateway.Simulation;
using Movement.Messaging;
using Movement.TestSupport;

namespace Movement.Gateway.Tests;

/// <summary>Builds the real gateway host (AddGateway, with AddGatewaySimulator) against a test broker, with a private queue folder.</summary>
internal static class GatewayHost
{
    public static Dictionary<string, string?> Settings(int brokerPort, string queueDirectory, TimeSpan? reconnectDelay = null) => new()
    {
        ["Movement:Mqtt:Host"] = "127.0.0.1",
        ["Movement:Mqtt:Port"] = brokerPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Movement:Mqtt:ClientIdPrefix"] = "test",
        ["Movement:Mqtt:ReconnectDelayMin"] = (reconnectDelay ?? TimeSpan.FromMilliseconds(100)).ToString(),
        ["Movement:Mqtt:ReconnectDelayMax"] = (reconnectDelay ?? TimeSpan.FromMilliseconds(500)).ToString(),
        ["Movement:Gateway:GatewayId"] = "gw-test",
        ["Movement:Gateway:Site"] = "site-1",
        ["Movement:Gateway:BatchInterval"] = "00:00:00.100",
        ["Movement:Gateway:Mqtt:Username"] = MosquittoServer.GatewayUser,
        ["Movement:Gateway:Mqtt:Password"] = MosquittoServer.Password,
        ["Movement:Gateway:Queue:Directory"] = queueDirectory,
        ["Movement:Gateway:Simulator:Enabled"] = "false",
    };

    public static IHost Build(Dictionary<string, string?> settings, Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("MOVEMENT_TEST_LOGS") == "1")
        {
            // Diagnosing a failing test: the gateway's log on the console.
            builder.Logging.AddSimpleConsole();
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
        }
        builder.Services.AddGateway();
        builder.Services.AddGatewaySimulator();
        configure?.Invoke(builder.Services);
        return builder.Build();
    }

    public static string TempDirectory() => Directory.CreateTempSubdirectory("movement-gateway-test-").FullName;
}
