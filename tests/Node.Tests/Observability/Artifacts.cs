// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Reflection;

namespace RaftCache.Node.Tests.Observability;

/// <summary>Where tests keep what a person may want to look at afterwards (screenshots): the build's artifacts folder.</summary>
internal static class Artifacts
{
    public static string RepositoryRoot { get; } = typeof(Artifacts).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    public static string Folder(string name)
    {
        var root = Environment.GetEnvironmentVariable("RAFTCACHE_ARTIFACTS") is { Length: > 0 } configured ? configured : Path.Combine(RepositoryRoot, "artifacts");
        var folder = Path.Combine(root, "test-results", name);
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>The first of <paramref name="candidates"/> that exists on this machine, or null.</summary>
    public static string? FindExecutable(params string[] candidates) => candidates.FirstOrDefault(File.Exists);
}
