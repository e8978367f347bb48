using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Movement.TestSupport;

/// <summary>
/// A private certificate authority for TLS tests, written as PEM files the way an operator would make them for a
/// broker: <see cref="CaCertificatePath"/> to trust, and a server certificate for <c>localhost</c> and 127.0.0.1
/// signed by it. Client certificates can be issued for mutual TLS. Files live in a temporary folder removed on dispose.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private readonly RSA _caKey;
    private readonly X509Certificate2 _ca;

    private TestCertificateAuthority(string directory, RSA caKey, X509Certificate2 ca)
    {
        Directory = directory;
        _caKey = caKey;
        _ca = ca;
        CaCertificatePath = Path.Combine(directory, "ca.crt");
        File.WriteAllText(CaCertificatePath, ca.ExportCertificatePem());
        (ServerCertificatePath, ServerKeyPath) = Issue("server", "localhost", serverAuth: true);
    }

    public string Directory { get; }

    /// <summary>The authority's certificate (PEM): what a client trusts, and what a broker checks client certificates against.</summary>
    public string CaCertificatePath { get; }

    /// <summary>Server certificate (PEM) for <c>localhost</c> and 127.0.0.1.</summary>
    public string ServerCertificatePath { get; }

    /// <summary>The server certificate's private key (PEM, PKCS#8, unencrypted as mosquitto reads it).</summary>
    public string ServerKeyPath { get; }

    public static TestCertificateAuthority Create()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("movement-tls-").FullName;
        var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Movement test CA", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        var ca = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        return new TestCertificateAuthority(directory, key, ca);
    }

    /// <summary>Issues a client certificate (PEM files) whose common name is <paramref name="commonName"/>.</summary>
    public (string CertificatePath, string KeyPath) IssueClient(string commonName) => Issue($"client-{commonName}", commonName, serverAuth: false);

    private (string CertificatePath, string KeyPath) Issue(string fileName, string commonName, bool serverAuth)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [serverAuth ? new Oid("1.3.6.1.5.5.7.3.1") : new Oid("1.3.6.1.5.5.7.3.2")], false));
        if (serverAuth)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(System.Net.IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_ca, true, false));
        var now = DateTimeOffset.UtcNow;
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var certificate = request.Create(_ca.SubjectName, X509SignatureGenerator.CreateForRSA(_caKey, RSASignaturePadding.Pkcs1),
            now.AddDays(-1), now.AddDays(29), serial);
        var certificatePath = Path.Combine(Directory, fileName + ".crt");
        var keyPath = Path.Combine(Directory, fileName + ".key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _caKey.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
