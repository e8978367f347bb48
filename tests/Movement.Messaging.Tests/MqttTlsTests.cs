using System.ComponentModel.DataAnnotations;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Movement.TestSupport;

namespace Movement.Messaging.Tests;

/// <summary>TLS settings checked at start, and the check of the broker's certificate, on PEM files from a private CA.</summary>
public sealed class MqttTlsTests : IDisposable
{
    private readonly TestCertificateAuthority _authority = TestCertificateAuthority.Create();
    private readonly TestCertificateAuthority _stranger = TestCertificateAuthority.Create();

    public void Dispose()
    {
        _authority.Dispose();
        _stranger.Dispose();
    }

    private static List<ValidationResult> Problems(MqttConnectionOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }

    private MqttConnectionOptions Tls(Action<MqttConnectionOptions>? change = null)
    {
        var options = new MqttConnectionOptions { Host = "localhost", Port = 8883, UseTls = true, CaCertificateFile = _authority.CaCertificatePath };
        change?.Invoke(options);
        return options;
    }

    [Fact]
    public void Validate_CaAndClientCertificate_NoProblems()
    {
        var (certificate, key) = _authority.IssueClient("hub-1");

        Assert.Empty(Problems(Tls(o => (o.ClientCertificateFile, o.ClientKeyFile) = (certificate, key))));
    }

    [Fact]
    public void Validate_CaFileMissing_NamesTheFile()
    {
        var problem = Assert.Single(Problems(Tls(o => o.CaCertificateFile = "/nonexistent/ca.crt")));

        Assert.Contains("CaCertificateFile '/nonexistent/ca.crt' does not exist", problem.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CaFileNotPem_SaysNoCertificate()
    {
        var path = Path.Combine(_authority.Directory, "ca.der");
        File.WriteAllBytes(path, X509CertificateLoader.LoadCertificateFromFile(_authority.CaCertificatePath).RawData);

        var problem = Assert.Single(Problems(Tls(o => o.CaCertificateFile = path)));

        Assert.Contains("holds no PEM certificate", problem.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ClientCertificateWithoutKey_AsksForBoth()
    {
        var (certificate, _) = _authority.IssueClient("hub-1");

        var problem = Assert.Single(Problems(Tls(o => o.ClientCertificateFile = certificate)));

        Assert.Contains("both ClientCertificateFile and ClientKeyFile", problem.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ClientKeyOfAnotherCertificate_Refused()
    {
        var (certificate, _) = _authority.IssueClient("hub-1");
        var (_, otherKey) = _authority.IssueClient("hub-2");

        var problem = Assert.Single(Problems(Tls(o => (o.ClientCertificateFile, o.ClientKeyFile) = (certificate, otherKey))));

        Assert.Contains("ClientKeyFile", problem.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TlsSettingsWithoutUseTls_Refused()
    {
        var problem = Assert.Single(Problems(Tls(o => o.UseTls = false)));

        Assert.Contains("UseTls is false", problem.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UntrustedAllowedWithCa_Contradiction() =>
        Assert.Contains(Problems(Tls(o => o.AllowUntrustedCertificates = true)), p => p.ErrorMessage!.Contains("contradict", StringComparison.Ordinal));

    [Theory]
    [InlineData("Production", true)]
    [InlineData("HomeHub", true)]
    [InlineData("Development", false)]
    public void AddMqttConnectionOptions_AllowUntrustedCertificates_RefusedOutsideDevelopment(string environment, bool refused)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = environment, DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Movement:Mqtt:UseTls"] = "true",
            ["Movement:Mqtt:AllowUntrustedCertificates"] = "true",
            ["Movement:Gateway:Mqtt:Username"] = "gateway",
            ["Movement:Gateway:Mqtt:Password"] = "a-secret",
        });
        builder.Services.AddMqttConnectionOptions("gateway", "Movement:Gateway");
        using var host = builder.Build();

        var resolve = () => host.Services.GetRequiredService<IOptionsMonitor<MqttConnectionOptions>>().Get("gateway");

        if (refused)
        {
            Assert.Contains("AllowUntrustedCertificates is for test rigs", Assert.Throws<OptionsValidationException>(resolve).Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.True(resolve().AllowUntrustedCertificates);
        }
    }

    [Fact]
    public void Accept_ServerCertificateOfTheConfiguredCa_AcceptedThoughTheSystemDoesNotKnowIt()
    {
        using var tls = new MqttTls(Tls());
        using var server = X509Certificate2.CreateFromPemFile(_authority.ServerCertificatePath, _authority.ServerKeyPath);

        Assert.True(tls.Accept(server, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.Null(tls.TakeRefusal());
    }

    [Fact]
    public void Accept_CertificateOfAnotherCa_RefusedNamingTheCaFile()
    {
        using var tls = new MqttTls(Tls());
        using var stranger = X509Certificate2.CreateFromPemFile(_stranger.ServerCertificatePath, _stranger.ServerKeyPath);

        Assert.False(tls.Accept(stranger, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.Contains($"does not chain to the CA in {_authority.CaCertificatePath}", tls.TakeRefusal(), StringComparison.Ordinal);
        Assert.Null(tls.TakeRefusal());
    }

    [Fact]
    public void Accept_NameMismatch_RefusedNamingTheExpectedName()
    {
        using var tls = new MqttTls(Tls(o => o.Host = "broker.clinic.example"));
        using var server = X509Certificate2.CreateFromPemFile(_authority.ServerCertificatePath, _authority.ServerKeyPath);

        Assert.False(tls.Accept(server, null, SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.Contains("not issued for the name 'broker.clinic.example'", tls.TakeRefusal(), StringComparison.Ordinal);
    }

    [Fact]
    public void Accept_NoCaConfiguredAndUnknownIssuer_RefusedPointingAtCaCertificateFile()
    {
        using var tls = new MqttTls(Tls(o => o.CaCertificateFile = null));
        using var server = X509Certificate2.CreateFromPemFile(_authority.ServerCertificatePath, _authority.ServerKeyPath);

        Assert.False(tls.Accept(server, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.Contains("set CaCertificateFile", tls.TakeRefusal(), StringComparison.Ordinal);
    }
}
