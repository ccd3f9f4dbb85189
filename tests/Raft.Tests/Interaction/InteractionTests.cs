// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;
using RaftCache.Raft.Tests.Guard;
using RaftCache.Raft.Tests.Interaction.Handlers;

namespace RaftCache.Raft.Tests.Interaction;

/// <summary>
/// Runs every script in testdata/ and compares each command's output with the expectation written under it.
/// Set RAFTCACHE_REWRITE=1 to regenerate the expectations, then read the diff: it must show correct Raft.
/// </summary>
public sealed class InteractionTests
{
    private static readonly IVerbHandler[] Handlers =
    [
        new AddNodesHandler(), new CampaignHandler(), new ProposeHandler(), new ProposeConfChangeHandler(),
        new ProcessReadyHandler(), new DeliverMsgsHandler(), new DropMsgsHandler(), new StabilizeHandler(),
        new TickElectionHandler(), new TickHeartbeatHandler(), new TickHandler(), new IsolateHandler(),
        new HealHandler(), new StatusHandler(), new RaftLogHandler(), new TransferLeaderHandler(),
        new ReadIndexHandler(), new CompactHandler(), new LogLevelHandler(), new RestartHandler(),
        new ReportUnreachableHandler(), new ReportSnapshotHandler(), new RaftStateHandler(), new TakeReadyHandler(),
        new PersistReadyHandler(),
    ];

    private static string TestDataDirectory => Path.Combine(RepositoryRoot.Path, "tests", "Raft.Tests", "testdata");

    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(TestDataDirectory, "*.txt").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_output_matches_its_golden_expectations(string script)
    {
        var path = Path.Combine(TestDataDirectory, script);
        var original = File.ReadAllText(path);
        var rewritten = Run(original);
        if (Environment.GetEnvironmentVariable("RAFTCACHE_REWRITE") == "1")
        {
            File.WriteAllText(path, rewritten);
            return;
        }

        Assert.Equal(original, rewritten);
    }

    [Fact]
    public void Every_verb_has_exactly_one_handler()
    {
        Assert.Equal(Handlers.Length, Handlers.Select(h => h.Verb).Distinct().Count());
        Assert.All(Handlers, h => Assert.StartsWith(h.Verb, h.Usage, StringComparison.Ordinal));
    }

    /// <summary>Executes a script and returns it with every expectation replaced by the actual output.</summary>
    internal static string Run(string script)
    {
        var env = new InteractionEnv();
        var output = new StringBuilder();
        var directives = Directive.Parse(script);
        for (var i = 0; i < directives.Count; i++)
        {
            var d = directives[i];
            if (i > 0) output.Append('\n');
            foreach (var line in d.Preamble) output.Append(line).Append('\n');
            var args = new CommandArgs(d.CommandLine);
            var handler = Handlers.SingleOrDefault(h => h.Verb == args.Verb)
                ?? throw new FormatException($"line {d.Line}: unknown verb '{args.Verb}'");
            env.Output.Clear();
            try
            {
                handler.Run(env, args);
                if (env.Quiet) env.Output.Clear();
            }
            catch (Exception e) when (e is RaftInvariantException or InvalidOperationException or ArgumentException or FormatException)
            {
                env.Output.Clear();
                env.Output.AppendLine($"error: {e.GetType().Name}: {e.Message}");
            }

            var text = env.Output.ToString().Replace("\r\n", "\n").TrimEnd('\n');
            output.Append(d.CommandLine).Append("\n----\n").Append(text.Length == 0 ? "ok" : text).Append('\n');
        }

        return output.ToString();
    }
}
