// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;
using RaftCache.Node.Tests.Cluster;

namespace RaftCache.Cli.Tests;

/// <summary>members add and drain wait, with progress, until the moves settle.</summary>
public sealed class MembershipTests
{
    [Fact]
    public async Task Add_waits_until_the_new_member_holds_replicas_and_drain_until_it_is_removed()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        for (var i = 0; i < 50; i++) Assert.Equal(0, (await CliRunner.RunAsync(cluster, "put", $"m:{i}", $"value {i}")).ExitCode);
        var joiner = cluster.StartJoiner();
        await cluster.WaitAsync(async () =>
        {
            try
            {
                using var response = await cluster.Http.GetAsync(new Uri(joiner.Url, "/health"));
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), () => joiner.Log);

        var add = await CliRunner.RunAsync(cluster, "members", "add", joiner.Url.ToString().TrimEnd('/'), "-o", "json", "--wait-seconds", "120");
        Assert.True(add.ExitCode == 0, add.ToString());
        var added = add.Json();
        Assert.Equal("active", added.GetProperty("state").GetString());
        Assert.True(added.GetProperty("replicas").GetArrayLength() > 0, add.ToString());
        var id = added.GetProperty("id").GetUInt64();

        var drain = await CliRunner.RunAsync(cluster, "members", "drain", id.ToString(CultureInfo.InvariantCulture), "-o", "json", "--wait-seconds", "120");
        Assert.True(drain.ExitCode == 0, drain.ToString());
        Assert.Equal("removed", drain.Json().GetProperty("state").GetString());
        Assert.Contains("draining member", drain.Stderr, StringComparison.Ordinal); // the progress bar went to stderr

        var check = await CliRunner.RunAsync(cluster, "check", "-o", "json", "--wait-seconds", "30");
        Assert.True(check.ExitCode == 0, check.ToString());
        var value = await CliRunner.RunAsync(cluster, "get", "m:42", "-o", "json");
        Assert.Equal("value 42", value.Json().GetProperty("value").GetString());
    }
}
