using Microsoft.Extensions.Options;

namespace Movement.Gateway.Tests;

public sealed class GatewayOptionsTests : IDisposable
{
    private readonly string _queueDirectory = GatewayHost.TempDirectory();

    public void Dispose() => Directory.Delete(_queueDirectory, recursive: true);

    [Fact]
    public async Task StartAsync_HomeHubWhoseGatewayIdIsNotItsUsername_FailsNamingBoth()
    {
        var settings = GatewayHost.Settings(1883, _queueDirectory);
        settings["Movement:Gateway:HomeHub"] = "true";
        settings["Movement:Gateway:GatewayId"] = "hub-p03";
        settings["Movement:Gateway:Mqtt:Username"] = "hub-p04";
        using var hub = GatewayHost.Build(settings);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => hub.StartAsync());

        Assert.Contains("GatewayId is its broker username", error.Message, StringComparison.Ordinal);
    }
}
