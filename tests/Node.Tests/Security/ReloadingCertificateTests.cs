// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using RaftCache.Node.Configuration;
using RaftCache.Node.Security;

namespace RaftCache.Node.Tests.Security;

/// <summary>
/// Certificate rotation without a restart: the files are replaced on disk and the next handshake gets the new
/// certificate (after at most <see cref="ReloadingCertificate.CheckInterval"/>); a broken replacement keeps the old one.
/// </summary>
public sealed class ReloadingCertificateTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("raftcache-reload-").FullName;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddDays(20_000));

    private string CertPath => Path.Combine(_folder, "node.crt");

    private string KeyPath => Path.Combine(_folder, "node.key");

    private X509Certificate2 Write(string subject, DateTime stamp)
    {
        using var rsa = RSA.Create(2048);
        var certificate = new CertificateRequest($"CN={subject}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(CertPath, certificate.ExportCertificatePem());
        File.WriteAllText(KeyPath, rsa.ExportPkcs8PrivateKeyPem());
        File.SetLastWriteTimeUtc(CertPath, stamp);
        File.SetLastWriteTimeUtc(KeyPath, stamp);
        return certificate;
    }

    private ReloadingCertificate Start() => new(new SecurityOptions { TlsCertificate = CertPath, TlsKey = KeyPath }, _time);

    [Fact]
    public void A_replaced_certificate_is_served_once_the_check_interval_passed()
    {
        var first = Write("first", new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc));
        var reloading = Start();
        var second = Write("second", new DateTime(2026, 12, 2, 0, 0, 0, DateTimeKind.Utc));

        var beforeInterval = reloading.Current.Thumbprint;
        _time.Advance(ReloadingCertificate.CheckInterval);
        var after = reloading.Current.Thumbprint;

        Assert.Equal(first.Thumbprint, beforeInterval);
        Assert.Equal(second.Thumbprint, after);
    }

    [Fact]
    public void A_broken_replacement_keeps_the_previous_certificate_until_the_next_change()
    {
        var first = Write("first", new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc));
        var reloading = Start();
        File.WriteAllText(CertPath, "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n");
        File.SetLastWriteTimeUtc(CertPath, new DateTime(2026, 12, 2, 0, 0, 0, DateTimeKind.Utc));

        _time.Advance(ReloadingCertificate.CheckInterval);
        var duringBreakage = reloading.Current.Thumbprint;
        var fixedOne = Write("fixed", new DateTime(2026, 12, 3, 0, 0, 0, DateTimeKind.Utc));
        _time.Advance(ReloadingCertificate.CheckInterval);

        Assert.Equal(first.Thumbprint, duringBreakage);
        Assert.Equal(fixedOne.Thumbprint, reloading.Current.Thumbprint);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
