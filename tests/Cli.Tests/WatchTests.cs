// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Sockets;
using System.Text;
using RaftCache.Node.Tests.Cluster;

namespace RaftCache.Cli.Tests;

/// <summary>
/// watch against the documented event-stream contract (GET /admin/events, text/event-stream), served here by a
/// minimal loopback server: events are "event:"/"data:" lines ended by a blank line.
/// </summary>
public sealed class WatchTests
{
    [Fact]
    public async Task Watch_prints_each_event_of_the_stream_as_one_json_line()
    {
        using var listener = new TcpListener(IPAddress.Parse($"{TestCluster.Net}.253.1"), 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            await using var stream = client.GetStream();
            var request = new StringBuilder();
            var buffer = new byte[4096];
            while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer);
                if (read == 0) return "";
                request.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
            var events = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\r\n"
                + ": keep-alive comment\n\n"
                + "event: leader_changed\ndata: {\"shard\": 2, \"leader\": 3, \"term\": 7}\n\n"
                + "event: member_down\ndata: {\"member\": 2}\n\n";
            await stream.WriteAsync(Encoding.UTF8.GetBytes(events));
            await stream.FlushAsync();
            return request.ToString();
        });
        var result = await CliRunner.RunAsync(["watch", "--count", "2", "-o", "json", "--endpoints", $"http://{TestCluster.Net}.253.1:{port}"]);
        var request = await server.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("GET /admin/events ", request, StringComparison.Ordinal);
        Assert.Contains("X-Api-Key: " + TestCluster.AdminKey, request, StringComparison.OrdinalIgnoreCase);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        var first = System.Text.Json.JsonDocument.Parse(lines[0]).RootElement;
        Assert.Equal("leader_changed", first.GetProperty("event").GetString());
        Assert.Equal(3, first.GetProperty("data").GetProperty("leader").GetInt32());
        Assert.Equal("member_down", System.Text.Json.JsonDocument.Parse(lines[1]).RootElement.GetProperty("event").GetString());
    }
}
