// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using RaftCache.Node.Tests.Cluster;
using RaftCache.Node.Tests.Security;
using StackExchange.Redis;

namespace RaftCache.Resp.Tests.Cluster;

/// <summary>With the node's certificate settings the RESP port speaks only TLS, with the REST certificate.</summary>
public sealed class TlsRespTests
{
    [Fact]
    public async Task A_tls_node_serves_resp_over_tls_with_its_certificate_and_refuses_plain_text()
    {
        var folder = Directory.CreateTempSubdirectory("raftcache-resp-tls-").FullName;
        try
        {
            X509Certificate2? certificate = null;
            await using var cluster = await TestCluster.StartWithAsync(3, ips =>
            {
                certificate = TestCertificates.SelfSigned(ips);
                var (certPath, keyPath) = TestCertificates.WritePem(certificate, folder);
                var handler = new SocketsHttpHandler();
                handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == certificate.GetCertHashString();
                return new ClusterSetup(["--tls-certificate", certPath, "--tls-key", keyPath, "--tls-ca-file", certPath, "--resp-listen", $":{RespCluster.Port}"], handler);
            });

            var options = new ConfigurationOptions
            {
                EndPoints = { RespCluster.EndpointOf(cluster.Node(1)) }, Password = TestCluster.AdminKey, Ssl = true, SslHost = cluster.Node(1).Ip,
            };
            options.CertificateValidation += (_, presented, _, _) => presented?.GetCertHashString() == certificate!.GetCertHashString();
            await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
            var db = redis.GetDatabase();
            for (var i = 0; i < 8; i++) Assert.True(await db.StringSetAsync($"tls:{i}", i)); // some forwarded over https
            for (var i = 0; i < 8; i++) Assert.Equal(i, (int)await db.StringGetAsync($"tls:{i}"));

            using var plain = new TcpClient();
            await plain.ConnectAsync(IPAddress.Parse(cluster.Node(2).Ip), RespCluster.Port);
            var stream = plain.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[64];
            stream.ReadTimeout = 15_000;
            int read;
            try
            {
                read = await stream.ReadAsync(buffer);
            }
            catch (IOException)
            {
                read = 0;
            }

            Assert.False(read >= 5 && buffer.AsSpan(0, 5).SequenceEqual("+PONG"u8), "a plain-text PING was answered on a TLS port");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
