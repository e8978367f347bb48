using System.ComponentModel.DataAnnotations;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Movement.Messaging;

/// <summary>
/// The TLS side of a broker connection: the certificate authority to trust (a clinic's private CA, from a PEM file),
/// the optional client certificate (mutual TLS), and the check of the broker's certificate, which keeps the reason
/// for a refusal so that the connection can say why (<see cref="TakeRefusal"/>).
/// </summary>
public sealed class MqttTls : IDisposable
{
    private readonly MqttConnectionOptions _options;
    private readonly X509Certificate2Collection _authorities = [];
    private string? _refusal;

    public MqttTls(MqttConnectionOptions options)
    {
        _options = options;
        if (options.CaCertificateFile is { Length: > 0 } ca)
        {
            _authorities.ImportFromPemFile(ca);
        }

        if (options.ClientCertificateFile is { Length: > 0 } certificate && options.ClientKeyFile is { Length: > 0 } key)
        {
            ClientCertificate = X509Certificate2.CreateFromPemFile(certificate, key);
        }
    }

    /// <summary>The client certificate with its key, when mutual TLS is configured.</summary>
    public X509Certificate2? ClientCertificate { get; }

    /// <summary>The name the broker's certificate must carry.</summary>
    public string ServerName => string.IsNullOrEmpty(_options.TlsServerName) ? _options.Host : _options.TlsServerName;

    /// <summary>
    /// Whether to accept the broker's certificate. <paramref name="errors"/> is what the platform found against its own
    /// trusted roots and the server name; with <see cref="MqttConnectionOptions.CaCertificateFile"/> the chain is
    /// built again against that CA alone (revocation is not checked: a private CA rarely publishes a CRL).
    /// </summary>
    public bool Accept(X509Certificate? certificate, X509Chain? presentedChain, SslPolicyErrors errors)
    {
        var refusal = Check(certificate, presentedChain, errors);
        _refusal = refusal;
        return refusal is null;
    }

    /// <summary>Why the last certificate was refused (then forgotten), or null when none was.</summary>
    public string? TakeRefusal() => Interlocked.Exchange(ref _refusal, null);

    private string? Check(X509Certificate? certificate, X509Chain? presentedChain, SslPolicyErrors errors)
    {
        if (_options.AllowUntrustedCertificates)
        {
            return null;
        }

        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return "the broker presented no certificate";
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return $"its certificate ({certificate.Subject}) is not issued for the name '{ServerName}' (set TlsServerName if the broker is reached by another name)";
        }

        if (_authorities.Count == 0)
        {
            return errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors)
                ? $"its certificate ({certificate.Subject}, issued by {certificate.Issuer}) is not signed by an authority this system trusts; set CaCertificateFile to the CA that signed it"
                : null;
        }

        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // Intermediates the broker sent along; trust still ends only at the configured CA.
        if (presentedChain is not null)
        {
            foreach (var element in presentedChain.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        if (chain.Build(presented))
        {
            return null;
        }

        var problems = string.Join(", ", chain.ChainStatus.Select(s => s.Status).Distinct());
        return $"its certificate ({presented.Subject}, issued by {presented.Issuer}) does not chain to the CA in {_options.CaCertificateFile} ({problems})";
    }

    /// <summary>Start-up checks of the TLS settings: files exist and parse, settings agree. Part of the options' validation.</summary>
    internal static IEnumerable<ValidationResult> Validate(MqttConnectionOptions options)
    {
        var tlsSettings = new[] { options.CaCertificateFile, options.ClientCertificateFile, options.ClientKeyFile, options.TlsServerName };
        if (!options.UseTls)
        {
            if (tlsSettings.Any(s => !string.IsNullOrEmpty(s)) || options.AllowUntrustedCertificates)
            {
                yield return new ValidationResult("TLS settings are given but UseTls is false: set UseTls=true (and the broker's TLS port, usually 8883), or remove them.", [nameof(options.UseTls)]);
            }

            yield break;
        }

        if (options.AllowUntrustedCertificates && !string.IsNullOrEmpty(options.CaCertificateFile))
        {
            yield return new ValidationResult("AllowUntrustedCertificates and CaCertificateFile contradict each other: with a CA to trust, leave AllowUntrustedCertificates off.", [nameof(options.AllowUntrustedCertificates)]);
        }

        if (options.CaCertificateFile is { Length: > 0 } ca && ReadProblem(ca, path =>
            {
                var certificates = new X509Certificate2Collection();
                certificates.ImportFromPemFile(path);
                return certificates.Count == 0 ? "holds no PEM certificate (-----BEGIN CERTIFICATE-----)" : null;
            }) is { } caProblem)
        {
            yield return new ValidationResult($"CaCertificateFile '{ca}' {caProblem}.", [nameof(options.CaCertificateFile)]);
        }

        var certificate = options.ClientCertificateFile;
        var key = options.ClientKeyFile;
        if (string.IsNullOrEmpty(certificate) != string.IsNullOrEmpty(key))
        {
            yield return new ValidationResult("Mutual TLS needs both ClientCertificateFile and ClientKeyFile (PEM), or neither.", [nameof(options.ClientCertificateFile)]);
        }
        else if (!string.IsNullOrEmpty(certificate) && !string.IsNullOrEmpty(key))
        {
            var problem = ReadProblem(certificate, _ => null) is { } certificateProblem ? $"ClientCertificateFile '{certificate}' {certificateProblem}"
                : ReadProblem(key, _ => null) is { } keyProblem ? $"ClientKeyFile '{key}' {keyProblem}"
                : ReadProblem(certificate, _ =>
                {
                    using var loaded = X509Certificate2.CreateFromPemFile(certificate, key);
                    return loaded.HasPrivateKey ? null : "has no matching private key";
                }) is { } pairProblem ? $"ClientCertificateFile '{certificate}' with ClientKeyFile '{key}': {pairProblem} (both PEM, the key unencrypted and matching the certificate)"
                : null;
            if (problem is not null)
            {
                yield return new ValidationResult(problem + ".", [nameof(options.ClientCertificateFile)]);
            }
        }
    }

    /// <summary>Why <paramref name="path"/> cannot be used (missing, unreadable, or <paramref name="parse"/>'s complaint), or null.</summary>
    private static string? ReadProblem(string path, Func<string, string?> parse)
    {
        if (!File.Exists(path))
        {
            return "does not exist";
        }

        try
        {
            return parse(path);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            return $"cannot be read: {ex.Message}";
        }
    }

    public void Dispose()
    {
        ClientCertificate?.Dispose();
        foreach (var authority in _authorities)
        {
            authority.Dispose();
        }
    }
}
