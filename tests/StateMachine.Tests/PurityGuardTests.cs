// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace RaftCache.StateMachine.Tests;

/// <summary>src/StateMachine must stay deterministic: no clock, randomness, threads, timers, files or sockets.</summary>
public sealed partial class PurityGuardTests
{
    [Fact]
    public void The_state_machine_source_uses_no_clock_randomness_threads_or_io()
    {
        var folder = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ThisFile())!, "..", "..", "src", "StateMachine"));
        var files = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.True(files.Count > 10, $"expected the state machine sources under {folder}");

        var offences = files
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetFileName(f), Line: i + 1, Text: line)))
            .Where(l => Banned().IsMatch(l.Text))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        Assert.Empty(offences);
    }

    [GeneratedRegex(@"DateTime(Offset)?\.(Utc)?Now|Stopwatch|Environment\.TickCount|TimeProvider|new Random\(|Random\.Shared|Guid\.NewGuid|Thread|Task\.(Run|Delay)|Timer|File\.|FileStream|Socket|HttpClient")]
    private static partial Regex Banned();

    private static string ThisFile([CallerFilePath] string path = "") => path;
}
