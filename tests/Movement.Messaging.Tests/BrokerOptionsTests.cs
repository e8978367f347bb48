using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Movement.Messaging.Tests;

public sealed class BrokerOptionsTests
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("0.0.0.0", false)]
    [InlineData("192.168.1.20", false)]
    public void Validate_PublishedPassword_AcceptedOnlyOnLoopback(string bindAddress, bool valid)
    {
        var options = new BrokerOptions
        {
            Enabled = true,
            BindAddress = bindAddress,
            Users = [new BrokerUser { Username = "dashboard", Password = "local-dashboard-secret", Role = BrokerRole.Service }],
        };

        var errors = options.Validate(new ValidationContext(options)).ToList();

        Assert.Equal(valid, errors.Count == 0);
        if (!valid)
        {
            Assert.Contains("'dashboard' still has the password published", errors[0].ErrorMessage, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("+", false)]
    [InlineData("site-7", true)]
    public void Validate_BridgeAccount_MustBeScopedToOneSite(string site, bool valid)
    {
        var options = new BrokerOptions
        {
            Users = [new BrokerUser { Username = "bridge-site-7", Password = "a-long-secret-of-its-own", Role = BrokerRole.Bridge, Site = site }],
        };

        var errors = options.Validate(new ValidationContext(options)).ToList();

        Assert.Equal(valid, errors.Count == 0);
        if (!valid)
        {
            Assert.Contains("Bridge account forwards one site", errors[0].ErrorMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_OwnPasswordBeyondLoopback_Accepted()
    {
        var options = new BrokerOptions
        {
            Enabled = true,
            BindAddress = "0.0.0.0",
            Users = [new BrokerUser { Username = "dashboard", Password = "a-password-of-this-site", Role = BrokerRole.Service }],
        };

        Assert.Empty(options.Validate(new ValidationContext(options)));
    }

    [Fact]
    public void PublishedPasswords_EveryBrokerPasswordInTheShippedSettings_Listed()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Movement.sln")))
        {
            root = root.Parent!;
        }

        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(root.FullName, "dashboard", "Movement.Dashboard", "appsettings.json")));
        var shipped = settings.RootElement.GetProperty("Movement").GetProperty("Broker").GetProperty("Users").EnumerateArray()
            .Select(u => u.GetProperty("Password").GetString()!).ToList();

        Assert.NotEmpty(shipped);
        Assert.All(shipped, p => Assert.Contains(p, BrokerOptions.PublishedPasswords));
    }

    [Fact]
    public void AddMqttConnectionOptions_NoCredentials_FailsNamingTheSetting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Movement:Mqtt:Host"] = "127.0.0.1" }).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration)
            .AddMqttConnectionOptions("classifier", "Movement:Classifier").BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptionsMonitor<MqttConnectionOptions>>().Get("classifier"));

        Assert.Contains("Movement:Classifier:Mqtt:Username", error.Message, StringComparison.Ordinal);
    }
}
