// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using RaftCache.Node.Tests.Cluster;

namespace RaftCache.Node.Tests.Security;

/// <summary>
/// REST over TLS from certificate files: a self-signed certificate made at test time names the nodes' addresses and
/// is their only trusted CA. Nodes forward to leaders over https; plain http to a TLS port gets no answer.
/// </summary>
public sealed class TlsTests
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_tls_cluster_serves_and_forwards_over_https_and_refuses_plain_http()
    {
        var folder = Directory.CreateTempSubdirectory("raftcache-tls-").FullName;
        try
        {
            X509Certificate2? certificate = null;
            await using var cluster = await TestCluster.StartWithAsync(3, ips =>
            {
                certificate = TestCertificates.SelfSigned(ips);
                var (certPath, keyPath) = TestCertificates.WritePem(certificate, folder);
                return new ClusterSetup(["--tls-certificate", certPath, "--tls-key", keyPath, "--tls-ca-file", certPath], Trusting(certificate));
            });

            var key = $"tls-{Guid.NewGuid():N}";
            var shard = new RaftCache.Node.Sharding.ShardMap(4).ShardOfKey(Encoding.UTF8.GetBytes(key));
            var leader = await cluster.LeaderOfAsync(shard);
            var follower = cluster.Nodes.First(n => n != leader);
            // The follower must forward to the leader's https endpoint and trust it through --tls-ca-file.
            using var put = await cluster.Http.PutAsync(new Uri(follower.Url, $"/keys/{key}"), Json("""{"data": "secret"}"""));
            var read = await cluster.Http.GetFromJsonAsync<JsonElement>(new Uri(cluster.Nodes.First(n => n != follower && n != leader).Url, $"/keys/{key}"));
            var plain = await PlainHttpAsync(new Uri($"http://{leader.Ip}:5001/keys/{key}"));

            Assert.StartsWith("https://", follower.Url.ToString(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            Assert.Equal("secret", read.GetProperty("data").GetString());
            // Kestrel closes a connection that does not start with a TLS handshake: no status, no data.
            Assert.True(plain is null, $"plain http to a TLS-only port answered {plain}");

            // Rotation without a restart: new certificate files on disk are presented on the next handshake.
            var renewed = TestCertificates.SelfSigned([.. cluster.Nodes.Select(n => n.Ip)]);
            TestCertificates.WritePem(renewed, folder);
            await cluster.WaitAsync(async () => await PresentedThumbprintAsync(leader.Url) == renewed.Thumbprint, TimeSpan.FromSeconds(30));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The status of a plain-http request with the admin key, or null when the connection was refused or closed.</summary>
    private static async Task<int?> PlainHttpAsync(Uri url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Add("X-Api-Key", TestCluster.AdminKey);
        try
        {
            using var response = await http.GetAsync(url);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>The thumbprint of the certificate a fresh TLS connection to <paramref name="url"/> is shown (null when none).</summary>
    private static async Task<string?> PresentedThumbprintAsync(Uri url)
    {
        string? seen = null;
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) =>
        {
            seen = presented is null ? null : new X509Certificate2(presented).Thumbprint;
            return true; // only looking
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            using var _ = await http.GetAsync(new Uri(url, "/health"));
        }
        catch (HttpRequestException)
        {
        }
        return seen;
    }

    private static SocketsHttpHandler Trusting(X509Certificate2 root)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, errors) =>
        {
            if (presented is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(root);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(presented));
        };
        return handler;
    }
}
