using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Movement.LoadHarness;

/// <summary>Hosts for the components under test: configuration only from the harness, warnings and errors on the console.</summary>
public static class HarnessHost
{
    public static HostApplicationBuilder CreateBuilder(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        var merged = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in settings)
        {
            merged[key] = value; // later settings win, as configuration sources do
        }

        builder.Configuration.AddInMemoryCollection(merged);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        return builder;
    }
}
