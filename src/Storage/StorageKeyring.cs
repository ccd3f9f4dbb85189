// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;

namespace RaftCache.Storage;

/// <summary>
/// The keys for encryption at rest (AES-256-GCM): one active key that encrypts everything written from now on, and
/// older keys kept only to read what they encrypted. Every encrypted WAL record and snapshot file names the key id
/// it was written with, so rotation is "add a key with a higher id"; an old key can be dropped once no segment or
/// snapshot written with it is left (docs/security.md, "Key rotation"). Immutable, thread-safe.
/// </summary>
public sealed class StorageKeyring
{
    public const int KeyBytes = 32;

    private readonly Dictionary<uint, byte[]> _keys;

    /// <exception cref="ArgumentException">No keys, a key of the wrong size, id 0, or an active id that is not in the ring.</exception>
    public StorageKeyring(IReadOnlyDictionary<uint, byte[]> keys, uint activeKeyId)
    {
        if (keys.Count == 0) throw new ArgumentException("a keyring needs at least one key", nameof(keys));
        foreach (var (id, key) in keys)
        {
            if (id == 0) throw new ArgumentException("key id 0 is reserved", nameof(keys));
            if (key.Length != KeyBytes) throw new ArgumentException($"key {id} has {key.Length} bytes; AES-256 keys have {KeyBytes}", nameof(keys));
        }
        if (!keys.ContainsKey(activeKeyId)) throw new ArgumentException($"the active key id {activeKeyId} is not in the keyring", nameof(activeKeyId));
        _keys = keys.ToDictionary(k => k.Key, k => k.Value.ToArray());
        ActiveKeyId = activeKeyId;
    }

    /// <summary>The key new records and snapshot files are encrypted with.</summary>
    public uint ActiveKeyId { get; }

    public IReadOnlyCollection<uint> KeyIds => _keys.Keys;

    internal byte[] ActiveKey => _keys[ActiveKeyId];

    internal bool TryGetKey(uint id, out byte[] key) => _keys.TryGetValue(id, out key!);

    /// <summary>
    /// Reads a key file: either one key alone (it gets id 1), or lines <c>id:key</c> (the highest id is the active
    /// key). Keys are 32 bytes, written as base64 or as 64 hex digits. Blank lines and lines starting with # are ignored.
    /// </summary>
    /// <exception cref="FormatException">The text is not a key file as described; the message says which line and why (never the key).</exception>
    public static StorageKeyring Parse(string text)
    {
        var keys = new Dictionary<uint, byte[]>();
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            uint id = 1;
            if (colon >= 0 && !uint.TryParse(line.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out id))
                throw new FormatException($"line {lineNumber}: the key id before ':' is not a positive integer");
            if (id == 0) throw new FormatException($"line {lineNumber}: key id 0 is reserved");
            if (colon < 0 && keys.Count > 0) throw new FormatException($"line {lineNumber}: with several keys every line needs an id (id:key)");
            if (!keys.TryAdd(id, DecodeKey(line[(colon + 1)..].Trim(), lineNumber))) throw new FormatException($"line {lineNumber}: key id {id} appears twice");
        }
        if (keys.Count == 0) throw new FormatException("no key in the file");
        return new StorageKeyring(keys, keys.Keys.Max());
    }

    /// <exception cref="FormatException">The file is not a key file.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static StorageKeyring Load(string path) => Parse(File.ReadAllText(path));

    private static byte[] DecodeKey(string text, int lineNumber)
    {
        byte[]? key = null;
        if (text.Length == 2 * KeyBytes && text.All(char.IsAsciiHexDigit))
        {
            key = Convert.FromHexString(text);
        }
        else
        {
            var buffer = new byte[text.Length];
            if (Convert.TryFromBase64String(text, buffer, out var written)) key = buffer[..written];
        }
        if (key is null || key.Length != KeyBytes)
            throw new FormatException($"line {lineNumber}: a key must be {KeyBytes} bytes as base64 or {2 * KeyBytes} hex digits (e.g. `head -c 32 /dev/urandom | base64`)");
        return key;
    }
}
