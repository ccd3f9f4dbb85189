// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using RaftCache.Node.Tests.Cluster;

namespace RaftCache.Node.Tests.Observability;

/// <summary>
/// deploy/monitoring: the alert rules pass promtool's checks and unit tests, every series the rules and the
/// Grafana dashboard use is documented, and a real Prometheus (Debian's) scraping a 3-node cluster gets the key
/// series and loads the rules. ./test.sh installs Debian's prometheus package when missing.
/// </summary>
public sealed partial class MonitoringTests
{
    private static string Monitoring => Path.Combine(Artifacts.RepositoryRoot, "deploy", "monitoring");

    private static string Require(string tool) => Artifacts.FindExecutable($"/usr/bin/{tool}", $"/usr/local/bin/{tool}")
        ?? throw new InvalidOperationException($"{tool} is not installed (Debian: apt-get install prometheus); ./test.sh installs it");

    [Fact]
    public async Task Alert_rules_pass_promtool_check_and_their_unit_tests()
    {
        var promtool = Require("promtool");

        var check = await RunAsync(promtool, Monitoring, "check", "rules", "raftcache-alerts.yml");
        var test = await RunAsync(promtool, Monitoring, "test", "rules", "raftcache-alerts.test.yml");

        Assert.True(check.ExitCode == 0, check.Output);
        Assert.Contains("SUCCESS: 9 rules found", check.Output, StringComparison.Ordinal);
        Assert.True(test.ExitCode == 0, test.Output);
        // Every alert has a unit test.
        var alerts = AlertName().Matches(await File.ReadAllTextAsync(Path.Combine(Monitoring, "raftcache-alerts.yml"))).Select(m => m.Groups[1].Value).ToHashSet();
        var tested = TestedAlert().Matches(await File.ReadAllTextAsync(Path.Combine(Monitoring, "raftcache-alerts.test.yml"))).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Equal(alerts.Order(), tested.Order());
    }

    [Fact]
    public async Task Every_series_the_rules_and_the_grafana_dashboard_use_is_documented()
    {
        var docs = await File.ReadAllTextAsync(Path.Combine(Artifacts.RepositoryRoot, "docs", "operations.md"));
        var dashboard = await File.ReadAllTextAsync(Path.Combine(Monitoring, "grafana-dashboard.json"));
        using var parsed = JsonDocument.Parse(dashboard);
        Assert.NotEmpty(parsed.RootElement.GetProperty("panels").EnumerateArray());
        var used = SeriesName().Matches(dashboard + await File.ReadAllTextAsync(Path.Combine(Monitoring, "raftcache-alerts.yml")))
            .Select(m => Regex.Replace(m.Value, "_(bucket|count|sum)$", "")).ToHashSet();

        Assert.NotEmpty(used);
        Assert.All(used, name => Assert.Contains("`" + name + "`", docs, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_real_prometheus_scrapes_a_three_node_cluster()
    {
        var prometheus = Require("prometheus");
        await using var cluster = await TestCluster.StartAsync(3);
        var folder = Directory.CreateTempSubdirectory("raftcache-prometheus-").FullName;
        var listen = $"{TestCluster.Net}.250.1:9090";
        await File.WriteAllTextAsync(Path.Combine(folder, "key"), TestCluster.AdminKey);
        File.Copy(Path.Combine(Monitoring, "raftcache-alerts.yml"), Path.Combine(folder, "raftcache-alerts.yml"));
        var targets = string.Join(", ", cluster.Nodes.Select(n => $"\"{n.Url.Authority}\""));
        await File.WriteAllTextAsync(Path.Combine(folder, "prometheus.yml"), $$"""
            global: {scrape_interval: 1s, evaluation_interval: 1s}
            rule_files: [raftcache-alerts.yml]
            scrape_configs:
              - job_name: raftcache
                authorization: {type: Bearer, credentials_file: {{Path.Combine(folder, "key")}}}
                static_configs: [{targets: [{{targets}}]}]
            """);
        var start = new ProcessStartInfo(prometheus) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        foreach (var arg in new[] { "--config.file=prometheus.yml", $"--storage.tsdb.path={Path.Combine(folder, "data")}", $"--web.listen-address={listen}" })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var log = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var api = new Uri($"http://{listen}/api/v1/");
            async Task<double> ValueAsync(string query)
            {
                try
                {
                    var answer = await cluster.Http.GetFromJsonAsync<JsonElement>(new Uri(api, "query?query=" + Uri.EscapeDataString(query)));
                    var result = answer.GetProperty("data").GetProperty("result");
                    return result.GetArrayLength() == 0 ? double.NaN : double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
                }
                catch (HttpRequestException)
                {
                    return double.NaN;
                }
            }
            string Explain() { lock (log) return log.ToString(); }

            // All three nodes up; every node reports 5 groups (4 shards and the metadata group) with a leader.
            await cluster.WaitAsync(async () => await ValueAsync("sum(up{job=\"raftcache\"})") == 3, TimeSpan.FromSeconds(60), Explain);
            await cluster.WaitAsync(async () => await ValueAsync("sum(raftcache_raft_has_leader)") == 15, TimeSpan.FromSeconds(30), Explain);
            // One leader per group, cluster-wide, once the scrapes of all three nodes agree: a leadership transfer
            // (leader balancing) between two nodes' scrapes counts its group twice or not at all.
            await cluster.WaitAsync(async () => await ValueAsync("sum(raftcache_raft_is_leader)") == 5, TimeSpan.FromSeconds(30), Explain);
            Assert.Equal(3, await ValueAsync("count(raftcache_wal_fsync_duration_seconds_count > 0)"));
            Assert.Equal(3, await ValueAsync("count(count by (member) (raftcache_member_state{state=\"active\"}))"));
            Assert.True(await ValueAsync("count(raftcache_peer_sent_bytes_total)") >= 6); // each node to each of 2 peers
            Assert.Equal(0, await ValueAsync("count(ALERTS{alertstate=\"firing\"}) or vector(0)")); // a healthy cluster fires none
            var rules = await cluster.Http.GetFromJsonAsync<JsonElement>(new Uri(api, "rules"));
            Assert.Equal(9, rules.GetProperty("data").GetProperty("groups")[0].GetProperty("rules").GetArrayLength());
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string directory, params string[] args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await errors);
    }

    [GeneratedRegex(@"- alert: (\w+)")]
    private static partial Regex AlertName();

    [GeneratedRegex(@"alertname: (\w+)")]
    private static partial Regex TestedAlert();

    [GeneratedRegex(@"raftcache_[a-z_]+")]
    private static partial Regex SeriesName();
}
