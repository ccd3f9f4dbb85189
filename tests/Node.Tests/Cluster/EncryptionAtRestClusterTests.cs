// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Text;

namespace RaftCache.Node.Tests.Cluster;

/// <summary>Encryption at rest with a real node process: nothing written reaches the disk in plaintext, and a restart reads it back.</summary>
public sealed class EncryptionAtRestClusterTests
{
    [Fact]
    public async Task A_node_with_a_key_file_writes_no_plaintext_and_recovers_its_data_after_a_restart()
    {
        // Injected: a one-node cluster with --encryption-key-file and frequent snapshots, 40 writes of values holding
        // a marker, then a graceful stop. Checked: no file in its data folder holds the marker (WAL segments and
        // snapshot files alike), and after a restart with the same key every value reads back.
        var keyFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(keyFile, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) + "\n");
        try
        {
            await using var cluster = await TestCluster.StartAsync(1, "--encryption-key-file", keyFile, "--snapshot-entries", "10");
            var node = cluster.Node(1);
            for (var i = 0; i < 40; i++)
            {
                using var content = new StringContent($$"""{"data": "PLAINTEXT-MARKER-{{i}}"}""", Encoding.UTF8, "application/json");
                using var put = await cluster.Http.PutAsync(new Uri(node.Url, $"/keys/k{i}"), content);
                Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            }
            node.Terminate();

            var files = Directory.GetFiles(node.DataDir, "*", SearchOption.AllDirectories);
            Assert.Contains(files, f => f.EndsWith(".snap", StringComparison.Ordinal));
            foreach (var file in files)
            {
                var bytes = await File.ReadAllBytesAsync(file);
                Assert.True(bytes.AsSpan().IndexOf("PLAINTEXT-MARKER"u8) < 0, $"{file} holds a value in plaintext");
            }

            node.Start();
            await cluster.WaitReadyAsync([node]);
            for (var i = 0; i < 40; i += 13)
            {
                var body = await cluster.Http.GetStringAsync(new Uri(node.Url, $"/keys/k{i}"));
                Assert.Contains($"PLAINTEXT-MARKER-{i}", body, StringComparison.Ordinal);
            }
        }
        finally
        {
            File.Delete(keyFile);
        }
    }
}
