// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Text;
using RaftCache.Node.Tests.Cluster;

namespace RaftCache.Node.Tests.Observability;

/// <summary>With --otlp-endpoint a node pushes its metrics to an OTLP/HTTP collector (here a listener standing in for one).</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task A_node_given_an_otlp_endpoint_pushes_its_metrics_there()
    {
        var address = $"http://{TestCluster.Net}.250.2:4318/";
        using var collector = new HttpListener();
        collector.Prefixes.Add(address);
        collector.Start();
        await using var cluster = await TestCluster.StartAsync(1, "--replication-factor", "1", "--otlp-endpoint", address.TrimEnd('/'), "--otlp-interval-ms", "200");

        var seen = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var context = await collector.GetContextAsync().WaitAsync(timeout.Token);
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body, timeout.Token);
            seen.Add($"{context.Request.HttpMethod} {context.Request.Url?.AbsolutePath} {context.Request.ContentType}");
            context.Response.StatusCode = 200;
            context.Response.Close();
            // Protobuf keeps metric names as plain UTF-8: the node's own series are in the export.
            var text = Encoding.UTF8.GetString(body.ToArray());
            if (text.Contains("raftcache_raft_term", StringComparison.Ordinal) && text.Contains("raftcache_wal_fsync_duration_seconds", StringComparison.Ordinal))
                break;
            Assert.True(seen.Count < 50, "no export carried the node's metrics:\n" + string.Join("\n", seen));
        }
        Assert.StartsWith("POST /v1/metrics application/x-protobuf", seen[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_otlp_setting_is_refused_at_start_naming_the_option()
    {
        var errors = new StringWriter();

        var builder = NodeProgram.CreateBuilder(["--id", "1", "--no-auth", "--otlp-endpoint", "collector:4318", "--otlp-interval-ms", "5"], errors);

        Assert.Null(builder);
        Assert.Contains("--otlp-endpoint must be an http(s) URL", errors.ToString(), StringComparison.Ordinal);
        Assert.Contains("--otlp-interval-ms must be 100 to 3600000", errors.ToString(), StringComparison.Ordinal);
    }
}
