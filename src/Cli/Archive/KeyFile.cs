// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;

namespace RaftCache.Cli.Archive;

/// <summary>
/// The node's encryption key file (docs/security.md, "Encryption at rest"): one key alone (id 1) or one <c>id:key</c>
/// line per key, 32 bytes as base64 or 64 hex digits, <c>#</c> comments; the highest id is the active one.
/// </summary>
public sealed record KeyFile(IReadOnlyDictionary<uint, byte[]> Keys)
{
    public uint ActiveId => Keys.Keys.Max();

    public static KeyFile Read(string path)
    {
        if (!File.Exists(path)) throw new CliException(ExitCodes.Usage, $"The key file {path} does not exist.");
        var keys = new Dictionary<uint, byte[]>();
        var lines = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
        foreach (var line in lines)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            uint id = 1;
            if (colon >= 0 && !uint.TryParse(line.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out id))
                throw new CliException(ExitCodes.Usage, $"The key file {path} has a line that is not id:key.");
            if (colon < 0 && lines.Length > 1) throw new CliException(ExitCodes.Usage, $"The key file {path} has several keys without ids.");
            var key = Decode(line[(colon + 1)..].Trim()) ?? throw new CliException(ExitCodes.Usage, $"Key {id} in {path} is not 32 bytes of base64 or 64 hex digits.");
            if (id == 0 || !keys.TryAdd(id, key)) throw new CliException(ExitCodes.Usage, $"Key id {id} in {path} is zero or repeated.");
        }
        if (keys.Count == 0) throw new CliException(ExitCodes.Usage, $"The key file {path} holds no key.");
        return new KeyFile(keys);
    }

    private static byte[]? Decode(string text)
    {
        try
        {
            var bytes = text.Length == 64 ? Convert.FromHexString(text) : Convert.FromBase64String(text);
            return bytes.Length == 32 ? bytes : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
