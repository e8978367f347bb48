using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Movement.Messaging.Tests;

public sealed class MqttConnectionOptionsTests
{
    private static MqttConnectionOptions Resolve(Dictionary<string, string?> settings)
    {
        settings["Movement:Mqtt:Username"] = "classifier";
        settings["Movement:Mqtt:Password"] = "a-secret";
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddMqttConnectionOptions("classifier", "Movement:Classifier");
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptionsMonitor<MqttConnectionOptions>>().Get("classifier");
    }

    [Fact]
    public void AddMqttConnectionOptions_Defaults_AreValid()
    {
        var options = Resolve([]);

        Assert.True(options.ReconnectDelayMin > TimeSpan.Zero);
        Assert.True(options.ReconnectDelayMax >= options.ReconnectDelayMin);
    }

    [Theory]
    [InlineData("Movement:Mqtt:ReconnectDelayMin", "00:00:00", "ReconnectDelayMin")]
    [InlineData("Movement:Classifier:Mqtt:ReconnectDelayMin", "-00:00:01", "ReconnectDelayMin")]
    [InlineData("Movement:Mqtt:ReconnectDelayMax", "00:00:00.100", "ReconnectDelayMax")]
    [InlineData("Movement:Mqtt:KeepAlive", "00:00:00", "KeepAlive")]
    [InlineData("Movement:Mqtt:KeepAlive", "1.00:00:00", "KeepAlive")]
    [InlineData("Movement:Mqtt:SessionExpiry", "00:00:00", "SessionExpiry")]
    public void AddMqttConnectionOptions_BadTiming_FailsNamingTheSetting(string key, string value, string named)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { [key] = value }));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddMqttConnectionOptions_MaxEqualsMin_IsValid()
    {
        var options = Resolve(new() { ["Movement:Mqtt:ReconnectDelayMin"] = "00:00:02", ["Movement:Mqtt:ReconnectDelayMax"] = "00:00:02" });

        Assert.Equal(TimeSpan.FromSeconds(2), options.ReconnectDelayMax);
    }
}
