// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Interaction;

/// <summary>
/// One command of an interaction script (etcd datadriven format): optional comment lines, the command
/// line, a <c>----</c> line, and the expected output up to the next blank line.
/// </summary>
internal sealed record Directive(int Line, IReadOnlyList<string> Preamble, string CommandLine, string Expected)
{
    public static List<Directive> Parse(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var result = new List<Directive>();
        var preamble = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0 || line.StartsWith('#'))
            {
                preamble.Add(line);
                continue;
            }

            var start = i + 1;
            if (i + 1 >= lines.Length || lines[i + 1] != "----") throw new FormatException($"line {start}: expected ---- after '{line}'");
            var expected = new List<string>();
            i += 2;
            while (i < lines.Length && lines[i].Length > 0) expected.Add(lines[i++]);
            result.Add(new Directive(start, [.. preamble], line, string.Join('\n', expected)));
            preamble.Clear();
        }

        return result;
    }
}

/// <summary>A parsed command line: the verb, positional arguments and key=value (or key=(a b c)) arguments.</summary>
internal sealed class CommandArgs
{
    public CommandArgs(string line)
    {
        var tokens = Tokenize(line);
        Verb = tokens[0];
        foreach (var token in tokens.Skip(1))
        {
            var eq = token.IndexOf('=');
            if (eq > 0) Named[token[..eq]] = token[(eq + 1)..].Trim('(', ')');
            else Positional.Add(token);
        }
    }

    public string Verb { get; }

    public List<string> Positional { get; } = [];

    public Dictionary<string, string> Named { get; } = [];

    public IEnumerable<ulong> Ids => Positional.Select(ulong.Parse);

    public ulong Id(int position) => ulong.Parse(Positional[position]);

    public string? Get(string key) => Named.GetValueOrDefault(key);

    public ulong[] GetIds(string key) =>
        Named.TryGetValue(key, out var v) ? [.. v.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(ulong.Parse)] : [];

    public bool GetBool(string key, bool fallback) => Named.TryGetValue(key, out var v) ? bool.Parse(v) : fallback;

    public long GetLong(string key, long fallback) => Named.TryGetValue(key, out var v) ? long.Parse(v) : fallback;

    private static List<string> Tokenize(string line)
    {
        var tokens = new List<string>();
        var current = new System.Text.StringBuilder();
        var depth = 0;
        foreach (var c in line)
        {
            if (c == '(') depth++;
            if (c == ')') depth--;
            if (c == ' ' && depth == 0)
            {
                if (current.Length > 0) tokens.Add(current.ToString());
                current.Clear();
                continue;
            }

            current.Append(c);
        }

        if (current.Length > 0) tokens.Add(current.ToString());
        return tokens;
    }
}
