// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text.RegularExpressions;

namespace RaftCache.Raft.Tests.Guard;

/// <summary>One use of a banned API: where it is and why it is banned.</summary>
public readonly record struct GuardViolation(string File, int Line, string Rule, string Text)
{
    public override string ToString() => $"{File}:{Line}: {Rule}: {Text.Trim()}";
}

/// <summary>
/// Scans C# sources of the pure projects for APIs that break determinism: wall clocks, unseeded or
/// shared randomness, threads, tasks and timers, files, sockets and processes. The seeded simulation
/// can only replay a run if the core's behaviour is a function of its inputs; one such call is enough
/// to make a failure unreproducible. Comments and string literals are ignored; interpolation holes are code.
/// </summary>
public static partial class DeterminismGuard
{
    /// <summary>The folders (relative to the repository root) whose code must be deterministic.</summary>
    public static readonly string[] PureFolders = ["src/Raft", "src/StateMachine", "src/Codec"];

    /// <summary>
    /// The files of src/Node that the seeded simulation runs (tests/Simulation drives the production host): they must
    /// be deterministic too, under the simulator's clock, network, disk and snapshot executor.
    /// </summary>
    public static readonly string[] SimulatedNodeFiles =
    [
        "src/Node/Hosting/RaftHost.cs", "src/Node/Hosting/RaftHost.Loop.cs", "src/Node/Hosting/RaftHost.Apply.cs",
        "src/Node/Hosting/RaftHost.Groups.cs", "src/Node/Hosting/RaftHost.Pipeline.cs", "src/Node/Hosting/RaftHost.Lease.cs", "src/Node/Hosting/RaftHost.Quiescence.cs", "src/Node/Hosting/RaftHost.IdleTicks.cs", "src/Node/Hosting/RaftHost.Metrics.cs", "src/Node/Hosting/RaftHost.Reads.cs",
        "src/Node/Hosting/RaftHost.LeaseIndex.cs", "src/Node/Hosting/RaftHost.ReadAnswers.cs",
        "src/Node/Hosting/RaftHost.Forwards.cs", "src/Node/Hosting/RaftHost.SnapshotSend.cs", "src/Node/Hosting/RaftHost.SnapshotInstall.cs", "src/Node/Hosting/ReadBatch.cs", "src/Node/Hosting/RaftHost.Tombstones.cs", "src/Node/Hosting/GroupReplica.cs", "src/Node/Hosting/IGroupStateMachine.cs",
        "src/Node/Hosting/IHostObserver.cs", "src/Node/Transport/IPeerTransport.cs", "src/Node/Transport/PeerFrame.cs",

        // The whole node of the simulation's membership runs: metadata, controller, placement, joins, removal.
        "src/Node/Hosting/CacheNode.cs", "src/Node/Hosting/CacheNode.Metadata.cs", "src/Node/Hosting/CacheNode.Controller.cs",
        "src/Node/Hosting/CacheNode.Placement.cs", "src/Node/Hosting/CacheNode.Join.cs", "src/Node/Hosting/CacheNode.Removal.cs",
        "src/Node/Hosting/CacheNode.Admission.cs", "src/Node/Hosting/NodeMachine.cs", "src/Node/Hosting/CacheNode.LoadLeaders.cs", "src/Node/Hosting/ShardLoad.cs", "src/Node/Hosting/LoadLeadership.cs",
        "src/Node/Metadata/ClusterRecord.cs", "src/Node/Metadata/MetadataCommand.cs", "src/Node/Metadata/MetadataJson.cs",
        "src/Node/Metadata/MetadataStateMachine.cs", "src/Node/Metadata/Placement.cs", "src/Node/Metadata/PlacementPlanner.cs",
        "src/Node/Metadata/MetadataVoters.cs", "src/Node/Metadata/JoinTokenRules.cs",
    ];

    /// <summary>
    /// Host files the simulation loads but never runs, each with the reason. RaftHost.Threads.cs holds the production
    /// loop task and the thread-pool snapshot executor, which the simulation replaces (StartSteppedAsync, SnapshotExecutor).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> ExemptNodeFiles = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["src/Node/Hosting/RaftHost.Threads.cs"] = "the production loop task, the thread-pool snapshot and read-answer executors and the WAL sync thread; the simulation steps the host itself",
        ["src/Node/Hosting/CacheNode.Machine.cs"] = "the process's own machine (data folder, TCP, loop task, random seeds); the simulation passes its own NodeMachine",
        ["src/Node/Hosting/CacheNode.Admin.cs"] = "admin calls that wait on the wall clock (leader transfer, status); the simulation does not call them",
        ["src/Node/Hosting/CacheNode.Backup.cs"] = "backup and restore of a running node; not on the simulated path",
        ["src/Node/Hosting/CacheNode.Observability.cs"] = "metrics and instruments read by the process's exporters; not on the simulated path",
        ["src/Node/Hosting/CacheNode.Routing.cs"] = "REST routing of client requests; simulated clients propose through the host",
        ["src/Node/Hosting/CacheNode.RemoteLeaders.cs"] = "the routing's memory of other members' leaderships; simulated clients propose through the host",
        ["src/Node/Hosting/CacheNode.ReadNow.cs"] = "reads answered on a REST caller's thread; simulated clients read through the host",
    };

    private static readonly (string Rule, Regex Pattern)[] Rules =
    [
        ("wall clock", new Regex(@"\bDateTime(Offset)?\s*\.\s*(Now|UtcNow|Today)\b")),
        ("wall clock", new Regex(@"\bStopwatch\b")),
        ("wall clock", new Regex(@"\bEnvironment\s*\.\s*TickCount(64)?\b")),
        ("wall clock", new Regex(@"\bTimeProvider\s*\.\s*System\b")),
        ("shared randomness", new Regex(@"\bRandom\s*\.\s*Shared\b")),
        ("unseeded randomness", new Regex(@"\bnew\s+(System\s*\.\s*)?Random\s*\(\s*\)")),
        ("unseeded randomness", new Regex(@"\bRandomNumberGenerator\b")),
        ("unseeded randomness", new Regex(@"\bGuid\s*\.\s*NewGuid\b")),
        ("thread", new Regex(@"\b(Thread|ThreadPool)\b")),
        ("task", new Regex(@"\bTask\s*\.\s*(Run|Delay|Factory|Yield)\b")),
        ("task", new Regex(@"\bParallel\s*\.")),
        ("timer", new Regex(@"\b(Timer|PeriodicTimer)\b")),
        ("file", new Regex(@"\b(File|Directory)\s*\.\s*\w+")),
        ("file", new Regex(@"\b(FileStream|FileInfo|DirectoryInfo|RandomAccess|MemoryMappedFile|FileSystemWatcher|SafeFileHandle)\b")),
        ("socket", new Regex(@"\b(Socket|TcpClient|TcpListener|UdpClient|HttpClient|NetworkStream|Dns)\b")),
        ("process", new Regex(@"\bProcess\s*\.\s*\w+")),
        ("console", new Regex(@"\bConsole\s*\.\s*\w+")),
    ];

    /// <summary>Scans every .cs file under the pure folders of <paramref name="repositoryRoot"/>, and the simulated src/Node files.</summary>
    public static IReadOnlyList<GuardViolation> ScanRepository(string repositoryRoot)
    {
        var violations = new List<GuardViolation>();
        foreach (var file in SimulatedNodeFiles)
        {
            var path = System.IO.Path.Combine(repositoryRoot, file);
            if (System.IO.File.Exists(path)) violations.AddRange(ScanSource(file, System.IO.File.ReadAllText(path)));
        }
        foreach (var folder in PureFolders)
        {
            var directory = System.IO.Path.Combine(repositoryRoot, folder);
            if (!System.IO.Directory.Exists(directory)) continue;
            var files = System.IO.Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
                .Where(f => !IsBuildOutput(f))
                .Order(StringComparer.Ordinal);
            foreach (var file in files)
            {
                var relative = System.IO.Path.GetRelativePath(repositoryRoot, file).Replace('\\', '/');
                violations.AddRange(ScanSource(relative, System.IO.File.ReadAllText(file)));
            }
        }
        return violations;
    }

    /// <summary>Scans one source text; <paramref name="fileName"/> is only used in the report.</summary>
    public static IEnumerable<GuardViolation> ScanSource(string fileName, string source)
    {
        var code = CSharpCodeOnly.Strip(source).Split('\n');
        var original = source.Split('\n');
        for (var i = 0; i < code.Length; i++)
        {
            foreach (var (rule, pattern) in Rules)
            {
                if (pattern.IsMatch(code[i]))
                {
                    yield return new GuardViolation(fileName, i + 1, rule, original[i]);
                    break;
                }
            }
        }
    }

    private static bool IsBuildOutput(string path) =>
        path.Contains("/obj/", StringComparison.Ordinal) || path.Contains("/bin/", StringComparison.Ordinal);
}
