// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Guard;

/// <summary>
/// The pure projects stay pure: the seeded simulation replays a failure only if the core's behaviour
/// is a function of its inputs. The self-tests below prove the guard can fail.
/// </summary>
public sealed class DeterminismGuardTests
{
    [Fact]
    public void Pure_projects_and_simulated_host_files_use_no_clock_randomness_thread_timer_file_or_socket()
    {
        var violations = DeterminismGuard.ScanRepository(RepositoryRoot.Path);

        Assert.True(violations.Count == 0,
            "Non-deterministic APIs in pure code:\n" + string.Join('\n', violations));
    }

    [Fact]
    public void Guard_scans_real_sources_of_both_pure_projects()
    {
        // A guard that finds no files would pass vacuously; the Raft core has sources from day one.
        foreach (var folder in DeterminismGuard.PureFolders)
        {
            Assert.True(Directory.Exists(Path.Combine(RepositoryRoot.Path, folder)), $"missing {folder}");
        }
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "src/Raft"), "*.cs"));
    }

    [Fact]
    public void Every_host_file_is_either_guarded_or_exempt_with_a_reason()
    {
        // A new RaftHost.X.cs or CacheNode.X.cs must be classified: the simulation loads every part of the node.
        var hostFiles = Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "src/Node/Hosting"), "RaftHost*.cs")
            .Concat(Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "src/Node/Hosting"), "CacheNode*.cs"))
            .Select(f => Path.GetRelativePath(RepositoryRoot.Path, f).Replace('\\', '/'))
            .ToList();
        Assert.NotEmpty(hostFiles);
        Assert.All(hostFiles, f => Assert.True(DeterminismGuard.SimulatedNodeFiles.Contains(f) || DeterminismGuard.ExemptNodeFiles.ContainsKey(f),
            $"{f} is neither guarded nor exempt"));
        Assert.All(DeterminismGuard.SimulatedNodeFiles, f => Assert.True(File.Exists(Path.Combine(RepositoryRoot.Path, f)), $"guarded file {f} is missing"));
    }

    [Fact]
    public void Guard_fails_on_a_Task_Run_planted_in_a_simulated_host_file()
    {
        var root = Directory.CreateTempSubdirectory("raftcache-guard-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "src/Node/Hosting"));
            File.WriteAllText(Path.Combine(root, "src/Node/Hosting/RaftHost.Loop.cs"), "class C\n{\n    void M() => Task.Run(() => { });\n}\n");

            var violation = Assert.Single(DeterminismGuard.ScanRepository(root));

            Assert.Equal("src/Node/Hosting/RaftHost.Loop.cs", violation.File);
            Assert.Equal("task", violation.Rule);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Guard_fails_on_a_DateTime_UtcNow_planted_in_src_Raft_and_names_file_and_line()
    {
        var root = Directory.CreateTempSubdirectory("raftcache-guard-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "src/Raft"));
            File.WriteAllText(Path.Combine(root, "src/Raft/Planted.cs"),
                "namespace RaftCache.Raft;\n\ninternal static class Planted\n{\n    public static long Now() => DateTime.UtcNow.Ticks;\n}\n");

            var violations = DeterminismGuard.ScanRepository(root);

            var violation = Assert.Single(violations);
            Assert.Equal("src/Raft/Planted.cs", violation.File);
            Assert.Equal(5, violation.Line);
            Assert.Equal("wall clock", violation.Rule);
            Assert.StartsWith("src/Raft/Planted.cs:5: wall clock:", violation.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData("var t = DateTime.Now;", "wall clock")]
    [InlineData("var t = DateTimeOffset.UtcNow;", "wall clock")]
    [InlineData("var sw = Stopwatch.StartNew();", "wall clock")]
    [InlineData("var t = Environment.TickCount64;", "wall clock")]
    [InlineData("var p = TimeProvider.System;", "wall clock")]
    [InlineData("var r = Random.Shared.Next();", "shared randomness")]
    [InlineData("var r = new Random();", "unseeded randomness")]
    [InlineData("var g = Guid.NewGuid();", "unseeded randomness")]
    [InlineData("var t = new Thread(Run);", "thread")]
    [InlineData("ThreadPool.QueueUserWorkItem(_ => { });", "thread")]
    [InlineData("await Task.Run(Work);", "task")]
    [InlineData("await Task.Delay(10);", "task")]
    [InlineData("Parallel.For(0, 3, _ => { });", "task")]
    [InlineData("using var t = new Timer(_ => { });", "timer")]
    [InlineData("var t = new PeriodicTimer(period);", "timer")]
    [InlineData("var b = File.ReadAllBytes(path);", "file")]
    [InlineData("using var f = new FileStream(path, FileMode.Open);", "file")]
    [InlineData("Directory.CreateDirectory(path);", "file")]
    [InlineData("var s = new Socket(family, type, proto);", "socket")]
    [InlineData("var c = new HttpClient();", "socket")]
    [InlineData("Process.Start(\"sh\");", "process")]
    [InlineData("Console.WriteLine(x);", "console")]
    [InlineData("var s = $\"now {DateTime.UtcNow}\";", "wall clock")]
    public void Guard_flags_each_banned_api(string line, string rule)
    {
        var violation = Assert.Single(DeterminismGuard.ScanSource("x.cs", line));
        Assert.Equal(rule, violation.Rule);
    }

    [Theory]
    [InlineData("// DateTime.UtcNow is banned here")]
    [InlineData("/* Task.Delay(1) */ var x = 1;")]
    [InlineData("var s = \"DateTime.UtcNow\";")]
    [InlineData("var s = @\"Thread \"\" Task.Run\";")]
    [InlineData("var s = $\"{{DateTime.UtcNow}}\";")]
    [InlineData("var r = new Random(42);")]
    [InlineData("DateTime deadline = from.AddSeconds(1);")]
    [InlineData("var threadSafe = ElectionTimer + ThreadCount;")]
    [InlineData("var c = 'x';")]
    public void Guard_ignores_comments_literals_seeded_randomness_and_lookalike_names(string line)
    {
        Assert.Empty(DeterminismGuard.ScanSource("x.cs", line));
    }

    [Fact]
    public void Guard_keeps_line_numbers_across_multiline_comments_and_verbatim_strings()
    {
        var source = "/* line 1\n line 2 */\nvar s = @\"line 3\nline 4\";\nvar t = Stopwatch.GetTimestamp();\n";

        var violation = Assert.Single(DeterminismGuard.ScanSource("x.cs", source));

        Assert.Equal(5, violation.Line);
    }
}
