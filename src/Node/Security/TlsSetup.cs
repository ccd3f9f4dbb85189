// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using RaftCache.Node.Configuration;

namespace RaftCache.Node.Security;

/// <summary>
/// TLS of the REST API from certificate files: the server certificate Kestrel presents on an https:// Listen, and
/// the trust a node's own HTTP clients (forwarding to a leader, the admin fan-out) place in other nodes'
/// certificates: the CAs of <see cref="SecurityOptions.TlsCaFile"/> when given, the system's store otherwise.
/// </summary>
public static class TlsSetup
{
    /// <summary>Loads a PFX/PKCS#12 file (by extension) or a PEM certificate with its key.</summary>
    public static X509Certificate2 LoadServerCertificate(SecurityOptions security)
    {
        var path = security.TlsCertificate ?? throw new ArgumentException("no --tls-certificate", nameof(security));
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is ".pfx" or ".p12") return X509CertificateLoader.LoadPkcs12FromFile(path, security.TlsCertificatePassword);
        var keyPath = security.TlsKey ?? path;
        return security.TlsCertificatePassword is { } password
            ? X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath)
            : X509Certificate2.CreateFromPemFile(path, keyPath);
    }

    public static X509Certificate2Collection LoadCaCertificates(string path)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(path);
        return collection;
    }

    /// <summary>Makes a node's outgoing HTTP handler trust exactly the configured CAs (when a CA file is given).</summary>
    public static void TrustConfiguredCas(SocketsHttpHandler handler, SecurityOptions security)
    {
        if (security.TlsCaFile is not { } caFile) return;
        var roots = LoadCaCertificates(caFile);
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            // The host name must still match; only the chain is judged against our roots instead of the system's.
            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var presented = new X509Certificate2(certificate);
            return chain.Build(presented);
        };
    }
}
