// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using RaftCache.Node.Configuration;

namespace RaftCache.Node.Tests.Configuration;

public sealed class NodeOptionsTests
{
    private static NodeOptions Valid() => new()
    {
        Id = 1,
        Listen = "http://127.0.0.1:5001",
        PeerListen = "127.0.0.1:6001",
        DataDir = "/tmp/x",
        InitialCluster = "1=127.0.0.1:6001,2=127.0.0.1:6002,3=127.0.0.1:6003",
        ClusterSecret = "a cluster secret of enough bytes",
    };

    [Fact]
    public void A_complete_configuration_is_valid()
    {
        Assert.True(new NodeOptionsValidator().Validate(null, Valid()).Succeeded);
    }

    public static TheoryData<string, Action<NodeOptions>> Broken => new()
    {
        { "--id", o => o.Id = 0 },
        { "--listen", o => o.Listen = "127.0.0.1:5001" },
        { "--peer-listen", o => o.PeerListen = "127.0.0.1" },
        { "--data-dir", o => o.DataDir = " " },
        { "--initial-cluster and --join", o => o.Join = "http://127.0.0.1:5002" },
        { "--initial-cluster", o => o.InitialCluster = "1=127.0.0.1:6001,1=127.0.0.1:6002" },
        { "--initial-cluster", o => o.InitialCluster = "2=127.0.0.1:6002,3=127.0.0.1:6003" },
        { "--initial-cluster", o => o.PeerListen = "127.0.0.1:7001" },
        { "ElectionTicks", o => o.ElectionTicks = 2 },
        { "Shards", o => o.Shards = 0 },
        { "MaxValueBytes", o => o.MaxValueBytes = 0 },
        { "--snapshot-rate-mib", o => o.SnapshotRateMiB = 0 },
        { "--load-window-seconds", o => o.LoadWindowSeconds = 0 },
        { "--cluster-secret-file (or --cluster-secret", o => o.ClusterSecret = null },
        { "--cluster-secret:", o => o.ClusterSecret = "short" },
        { "--cluster-secret and --cluster-secret-file", o => o.ClusterSecretFile = "/etc/secret" },
        { "--cluster-secret-file: cannot read", o => (o.ClusterSecret, o.ClusterSecretFile) = (null, "/nonexistent/raftcache-secret") },
        { "--insecure-peers", o => o.InsecurePeers = true },
        { "--encryption-key-file", o => o.EncryptionKeyFile = "/nonexistent/raftcache-key" },
    };

    [Fact]
    public void Insecure_peers_without_a_secret_is_valid_and_yields_unsecured_credentials()
    {
        var options = Valid();
        (options.ClusterSecret, options.InsecurePeers) = (null, true);

        Assert.True(new NodeOptionsValidator().Validate(null, options).Succeeded);
        Assert.False(PeerSecret.Load(options).IsSecured);
    }

    [Fact]
    public void A_secret_file_is_read_without_its_trailing_newline()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "a cluster secret of enough bytes\n");
            var fromFile = Valid();
            (fromFile.ClusterSecret, fromFile.ClusterSecretFile) = (null, path);

            // Same secret both ways: a proof made with one verifies with the other.
            var nonce = new byte[32];
            Assert.Equal(PeerSecret.Load(Valid()).ProveHello(1, 2, 3, nonce, nonce), PeerSecret.Load(fromFile).ProveHello(1, 2, 3, nonce, nonce));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task The_node_program_refuses_to_start_without_a_cluster_secret_and_names_the_setting()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(typeof(NodeProgram).Assembly.Location);
        foreach (var arg in new[] { "--id", "1", "--data-dir", "/tmp/raftcache-never-created", "--initial-cluster", "1=127.0.0.1:6001" }) start.ArgumentList.Add(arg);
        start.Environment.Remove("RaftCache__ClusterSecret");
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("--cluster-secret-file (or --cluster-secret", await errors, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Broken))]
    public void Each_error_names_the_setting_at_fault(string setting, Action<NodeOptions> breakIt)
    {
        var options = Valid();
        breakIt(options);

        var result = new NodeOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith(setting, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("1=a:1,x=b:2", "positive integer")]
    [InlineData("1=a", "host:port")]
    [InlineData("", "no member")]
    [InlineData("1=a:1,2=a:1", "twice")]
    public void Bad_initial_cluster_lists_are_refused_with_the_reason(string text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => InitialCluster.Parse(text));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Initial_cluster_members_come_back_in_id_order()
    {
        var members = InitialCluster.Parse(" 3=h:3 , 1=h:1,2=h:2 ");

        Assert.Equal([1UL, 2UL, 3UL], members.Select(m => m.Id));
        Assert.Equal("h:1", members[0].PeerAddress);
    }

    [Fact]
    public async Task The_node_program_refuses_an_unknown_option_with_exit_code_2()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(typeof(NodeProgram).Assembly.Location);
        start.ArgumentList.Add("--idd");
        start.ArgumentList.Add("1");
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("unknown option --idd", await errors, StringComparison.Ordinal);
    }
}
