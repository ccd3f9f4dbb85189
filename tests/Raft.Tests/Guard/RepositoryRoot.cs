// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Reflection;

namespace RaftCache.Raft.Tests.Guard;

/// <summary>The checkout this test assembly was built from (stamped at build time, see Directory.Build.props).</summary>
public static class RepositoryRoot
{
    public static string Path { get; } =
        typeof(RepositoryRoot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "RepositoryRoot").Value
        ?? throw new InvalidOperationException("RepositoryRoot metadata is missing from the test assembly.");
}
