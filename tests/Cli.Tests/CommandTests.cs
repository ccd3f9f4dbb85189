// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Tests.Cluster;

namespace RaftCache.Cli.Tests;

public sealed class CliCluster : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await TestCluster.StartAsync(3);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>Every read and key command against a 3-node cluster: JSON output and exit code.</summary>
public sealed class CommandTests(CliCluster fixture) : IClassFixture<CliCluster>
{
    private TestCluster Cluster => fixture.Cluster;

    private Task<CliResult> Run(params string[] args) => CliRunner.RunAsync(Cluster, [.. args, "--output", "json"]);

    [Fact]
    public async Task Status_lists_members_and_every_shard_with_leader_term_applied_index_and_lag()
    {
        var result = await Run("status");
        Assert.True(result.ExitCode == 0, result.ToString());
        var status = result.Json();
        Assert.Equal(3, status.GetProperty("members").GetArrayLength());
        Assert.All(status.GetProperty("members").EnumerateArray(), m =>
        {
            Assert.Equal("active", m.GetProperty("state").GetString());
            Assert.True(m.GetProperty("reachable").GetBoolean());
        });
        Assert.Equal(4, status.GetProperty("shards").GetArrayLength());
        foreach (var shard in status.GetProperty("shards").EnumerateArray())
        {
            Assert.NotEqual(0UL, shard.GetProperty("leader").GetUInt64());
            Assert.True(shard.GetProperty("term").GetUInt64() > 0);
            Assert.Equal(3, shard.GetProperty("replicas").GetArrayLength());
            Assert.All(shard.GetProperty("replicas").EnumerateArray(), r => Assert.True(r.GetProperty("applied_index").GetUInt64() > 0));
            Assert.Contains(shard.GetProperty("replicas").EnumerateArray(), r => r.GetProperty("role").GetString() == "leader");
        }
        Assert.Equal(0, status.GetProperty("moves").GetArrayLength());
    }

    [Fact]
    public async Task Shards_list_covers_every_slot_once_and_members_list_names_every_node()
    {
        var shards = await Run("shards", "list");
        Assert.True(shards.ExitCode == 0, shards.ToString());
        var ranges = shards.Json().EnumerateArray().Select(s => (s.GetProperty("slots")[0].GetInt32(), s.GetProperty("slots")[1].GetInt32())).OrderBy(r => r.Item1).ToArray();
        Assert.Equal(0, ranges[0].Item1);
        Assert.Equal(16383, ranges[^1].Item2);
        for (var i = 1; i < ranges.Length; i++) Assert.Equal(ranges[i - 1].Item2 + 1, ranges[i].Item1);

        var members = await Run("members", "list");
        Assert.True(members.ExitCode == 0, members.ToString());
        Assert.Equal([1UL, 2UL, 3UL], members.Json().EnumerateArray().Select(m => m.GetProperty("id").GetUInt64()).Order().ToArray());
    }

    [Fact]
    public async Task Put_get_delete_round_trip_raw_and_json_values_with_expiry_and_compare_and_set()
    {
        var put = await Run("put", "cli:raw", "hello raw", "--content-type", "text/x-test", "--ttl", "300");
        Assert.True(put.ExitCode == 0, put.ToString());
        var version = put.Json().GetProperty("version").GetUInt64();
        var expiry = DateTimeOffset.Parse(put.Json().GetProperty("expiration_date").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expiry - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(200), TimeSpan.FromSeconds(301));

        var get = (await Run("get", "cli:raw")).Json();
        Assert.Equal("hello raw", get.GetProperty("value").GetString());
        Assert.Equal("text/x-test", get.GetProperty("content_type").GetString());
        Assert.Equal(version, get.GetProperty("version").GetUInt64());

        var json = await Run("put", "cli/json", """{"user": 7, "tags": ["a"]}""", "--json", "--expires", "2099-01-01T00:00:00Z");
        Assert.True(json.ExitCode == 0, json.ToString());
        var read = (await Run("get", "cli/json", "--consistency", "local")).Json();
        Assert.Equal(7, read.GetProperty("data").GetProperty("user").GetInt32());
        Assert.StartsWith("2099-01-01T00:00:00", read.GetProperty("expiration_date").GetString(), StringComparison.Ordinal);

        var stale = await Run("put", "cli:raw", "lost update", "--if-match", (version + 1000).ToString(System.Globalization.CultureInfo.InvariantCulture));
        CliRunner.AssertOneLineError(stale, ExitCodes.Conflict, "412");
        var cas = await Run("put", "cli:raw", "won", "--if-match", version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(cas.ExitCode == 0, cas.ToString());

        var keys = await Run("keys");
        Assert.True(keys.ExitCode == 0, keys.ToString());
        Assert.Contains(keys.Json().EnumerateArray(), k => k.GetProperty("key").GetString() == "cli/json");

        Assert.Equal(0, (await Run("delete", "cli:raw")).ExitCode);
        CliRunner.AssertOneLineError(await Run("get", "cli:raw"), ExitCodes.NotFound, "not found");
    }

    [Fact]
    public async Task Check_passes_on_a_healthy_cluster_and_reports_every_voter()
    {
        await Run("put", "check:1", "x");
        var result = await Run("check");
        Assert.True(result.ExitCode == 0, result.ToString());
        var check = result.Json();
        Assert.True(check.GetProperty("consistent").GetBoolean());
        Assert.All(check.GetProperty("shards").EnumerateArray(), s =>
        {
            var replicas = s.GetProperty("replicas").EnumerateArray().ToArray();
            Assert.Equal(3, replicas.Length);
            Assert.Single(replicas.Select(r => (r.GetProperty("applied_index").GetUInt64(), r.GetProperty("state_hash").GetString())).Distinct());
        });
    }

    [Fact]
    public async Task Transfer_leader_moves_a_shard_to_the_named_member()
    {
        var shard = (await Run("shards", "list")).Json().EnumerateArray().First();
        var target = shard.GetProperty("replicas").EnumerateArray().First(r => r.GetProperty("role").GetString() != "leader").GetProperty("id").GetUInt64();
        var id = shard.GetProperty("id").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var result = await Run("shards", "transfer-leader", id, "--to", target.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(target, result.Json().GetProperty("leader").GetUInt64());
    }

    [Fact]
    public async Task A_down_endpoint_is_skipped_for_the_next_one()
    {
        var live = Cluster.Node(2).Url.ToString().TrimEnd('/');
        var result = await CliRunner.RunAsync(["status", "-o", "json", "--endpoints", $"http://{TestCluster.Net}.254.9:5001,{live}", "--timeout", "5"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(3, result.Json().GetProperty("members").GetArrayLength());
    }

    [Fact]
    public async Task Endpoints_and_key_come_from_the_config_file_when_not_given_otherwise()
    {
        var config = Path.Combine(Path.GetTempPath(), $"raftcache-cli-config-{Guid.NewGuid():N}.json");
        var endpoints = string.Join(',', Cluster.Nodes.Select(n => $"\"{n.Url.ToString().TrimEnd('/')}\""));
        await File.WriteAllTextAsync(config, $$"""{"endpoints": [{{endpoints}}], "api_key": "{{TestCluster.AdminKey}}"}""");
        try
        {
            var result = await CliRunner.RunAsync(["members", "list", "-o", "json", "--config", config], withKey: false);
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal(3, result.Json().GetArrayLength());
            CliRunner.AssertOneLineError(await CliRunner.RunAsync(["status", "--config", config + ".missing"]), ExitCodes.Usage, "does not exist");
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Fact]
    public async Task Bad_input_is_one_line_on_stderr_and_a_documented_exit_code()
    {
        var endpoints = string.Join(',', Cluster.Nodes.Select(n => n.Url.ToString().TrimEnd('/')));
        CliRunner.AssertOneLineError(await CliRunner.RunAsync(["status", "--endpoints", endpoints], apiKey: "not-the-key-of-this-cluster"), ExitCodes.Unauthorized, "401");
        CliRunner.AssertOneLineError(await CliRunner.RunAsync(["status", "--endpoints", endpoints], withKey: false), ExitCodes.Unauthorized, "api key");
        CliRunner.AssertOneLineError(await CliRunner.RunAsync(["status", "--endpoints", $"http://{TestCluster.Net}.254.9:5001", "--timeout", "3"]), ExitCodes.Unreachable, "no endpoint answered");
        CliRunner.AssertOneLineError(await CliRunner.RunAsync(["status", "--endpoints", "ftp://x"]), ExitCodes.Usage, "not an endpoint");
        CliRunner.AssertOneLineError(await Run("put", "k", "{not json", "--json"), ExitCodes.Usage, "not valid JSON");
        CliRunner.AssertOneLineError(await Run("put", "k", "v", "--expires", "tomorrow-ish"), ExitCodes.Usage, "ISO 8601");
        CliRunner.AssertOneLineError(await Run("put", "k", "v", "--ttl", "-3"), ExitCodes.Usage, "positive");
        CliRunner.AssertOneLineError(await Run("shards", "transfer-leader", "99", "--to", "1"), ExitCodes.NotFound, "shard");
        var unknown = await Run("stauts");
        Assert.Equal(ExitCodes.Usage, unknown.ExitCode);
        Assert.DoesNotContain("   at ", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_command_has_help()
    {
        string[][] commands =
        [
            ["status"], ["members"], ["members", "list"], ["members", "add"], ["members", "drain"], ["members", "remove"], ["shards"], ["shards", "list"],
            ["shards", "transfer-leader"], ["get"], ["put"], ["delete"], ["keys"], ["check"], ["watch"], ["backup"], ["restore"], ["verify"], ["completion"],
        ];
        foreach (var command in commands)
        {
            var help = await CliRunner.RunAsync([.. command, "--help"]);
            Assert.True(help.ExitCode == 0, $"{string.Join(' ', command)}: {help}");
            Assert.Contains("Usage:", help.Stdout, StringComparison.Ordinal);
            Assert.Contains("raftcache " + string.Join(' ', command), help.Stdout, StringComparison.Ordinal);
        }
        var completion = await CliRunner.RunAsync(["completion", "bash"]);
        Assert.Contains("complete -o default -F _raftcache_complete raftcache", completion.Stdout, StringComparison.Ordinal);
        var suggestions = await CliRunner.RunAsync(["[suggest:13]", "raftcache mem"]);
        Assert.Contains("members", suggestions.Stdout.Split('\n').Select(l => l.Trim()));
    }

    [Fact]
    public async Task Watch_prints_the_clusters_events_or_says_in_one_line_that_it_has_none()
    {
        // Nodes that serve GET /admin/events stream leadership changes; nodes without it answer 404. Leadership is
        // moved (bounded) until watch has seen one event or given up, so the test holds for either kind of node.
        var watch = Run("watch", "--count", "1");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!watch.IsCompleted && DateTime.UtcNow < deadline)
        {
            var shard = (await Run("shards", "list")).Json().EnumerateArray().First();
            var follower = shard.GetProperty("replicas").EnumerateArray().First(r => r.GetProperty("role").GetString() != "leader").GetProperty("id").GetUInt64();
            await Run("shards", "transfer-leader", shard.GetProperty("id").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), "--to", follower.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await Task.WhenAny(watch, Task.Delay(500));
        }
        var result = await watch.WaitAsync(TimeSpan.FromSeconds(30));
        if (result.ExitCode == ExitCodes.NotFound)
        {
            CliRunner.AssertOneLineError(result, ExitCodes.NotFound, "no event stream");
            return;
        }
        Assert.True(result.ExitCode == 0, result.ToString());
        var line = Assert.Single(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(string.IsNullOrEmpty(System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("event").GetString()));
    }
}
