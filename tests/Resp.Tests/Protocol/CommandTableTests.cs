// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Resp.Tests.Protocol;

/// <summary>The command table is the single source of truth: names unique, metadata sane, docs generated from it.</summary>
public sealed class CommandTableTests
{
    [Fact]
    public void Command_names_are_unique_upper_case_and_have_handlers()
    {
        Assert.Equal(RespCommandTable.All.Count, RespCommandTable.All.Select(c => c.Name).Distinct().Count());
        Assert.All(RespCommandTable.All, c => Assert.Equal(c.Name.ToUpperInvariant(), c.Name));
        Assert.All(RespCommandTable.All, c => Assert.NotNull(c.Handler));
    }

    [Fact]
    public void Every_command_is_read_write_or_connection_and_every_keyed_command_reads_or_writes()
    {
        foreach (var c in RespCommandTable.All)
        {
            var kinds = new[] { RespCommandFlags.Read, RespCommandFlags.Write, RespCommandFlags.Connection }.Count(f => (c.Flags & f) != 0);
            Assert.True(kinds >= 1, c.Name);
            if (c.FirstKey > 0) Assert.True((c.Flags & (RespCommandFlags.Read | RespCommandFlags.Write)) != 0, c.Name);
            if (c.FirstKey > 0) Assert.True(Math.Abs(c.Arity) > c.FirstKey, c.Name);
        }
    }

    [Fact]
    public void Only_auth_hello_ping_and_quit_run_before_authentication()
    {
        Assert.Equal(["AUTH", "HELLO", "PING", "QUIT"], RespCommandTable.All.Where(c => (c.Flags & RespCommandFlags.NoAuth) != 0).Select(c => c.Name).Order());
    }

    [Fact]
    public void Docs_resp_md_holds_the_table_generated_from_the_code()
    {
        var path = Path.Combine(RepositoryRoot(), "docs", "resp.md");
        var docs = File.ReadAllText(path).ReplaceLineEndings("\n");
        var begin = docs.IndexOf(RespCompatibilityTable.BeginMarker, StringComparison.Ordinal);
        var end = docs.IndexOf(RespCompatibilityTable.EndMarker, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, "docs/resp.md lacks the command table markers");
        var expected = "\n" + RespCompatibilityTable.Render();
        var actual = docs[(begin + RespCompatibilityTable.BeginMarker.Length)..end];
        if (actual != expected && Environment.GetEnvironmentVariable("RAFTCACHE_REWRITE_DOCS") == "1")
        {
            File.WriteAllText(path, docs[..(begin + RespCompatibilityTable.BeginMarker.Length)] + expected + docs[end..]);
            return;
        }

        Assert.True(actual == expected, "docs/resp.md's command table differs from RespCommandTable; run this test with RAFTCACHE_REWRITE_DOCS=1 to regenerate it");
    }

    // The checkout, stamped into the test assembly at build time (source paths are mapped away in CI builds).
    private static string RepositoryRoot() => typeof(CommandTableTests).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false).Cast<System.Reflection.AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;
}
