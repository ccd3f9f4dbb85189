// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Security;

namespace RaftCache.Node.Configuration;

/// <summary>
/// The text form of an API key used by <c>--api-key</c> and by the lines of <c>--api-keys-file</c>:
/// <c>role:secret</c> (named after its role) or <c>name:role:secret</c>. The secret is everything after the role,
/// so it may itself contain colons.
/// </summary>
public static class ApiKeySpec
{
    public const int MaxKeys = 1000;

    public static bool TryParse(string text, out ApiKeyOption key, out string error)
    {
        key = new ApiKeyOption();
        error = "";
        var parts = text.Trim().Split(':', 3);
        if (parts.Length == 3 && Roles.IsRole(parts[1]))
        {
            key = new ApiKeyOption { Name = parts[0], Role = parts[1], Key = parts[2] };
        }
        else if (parts.Length >= 2 && Roles.IsRole(parts[0]))
        {
            key = new ApiKeyOption { Name = parts[0], Role = parts[0], Key = text.Trim()[(parts[0].Length + 1)..] };
        }
        else
        {
            error = $"'{Redact(text)}' is not role:secret or name:role:secret with role {string.Join(", ", Roles.All)}";
            return false;
        }
        return true;
    }

    /// <summary>Reads a keys file: one spec per line; blank lines and lines starting with # are skipped.</summary>
    public static IReadOnlyList<ApiKeyOption> ReadFile(string path, List<string> errors)
    {
        var keys = new List<ApiKeyOption>();
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add($"--api-keys-file: cannot read '{path}': {e.Message}");
            return keys;
        }
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (TryParse(line, out var key, out var error)) keys.Add(key);
            else errors.Add($"--api-keys-file: line {i + 1}: {error}");
        }
        return keys;
    }

    /// <summary>Never echo a secret into a log or an error: keep the part before the first colon only.</summary>
    public static string Redact(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? "…" : text[..colon] + ":…";
    }
}
