// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using RaftCache.Node.Configuration;

namespace RaftCache.Node.Security;

/// <summary>
/// Who an API key or a token says the caller is. <see cref="KeyId"/> is the fingerprint of the key the caller proved
/// (or the key its token was issued for): what a revocation names, and what a token carries.
/// </summary>
public sealed record CallerIdentity(string Name, string Role)
{
    public string KeyId { get; init; } = "";
}

/// <summary>
/// The API keys, kept only as SHA-256 hashes. A presented key is hashed and compared with every stored hash by
/// <see cref="CryptographicOperations.FixedTimeEquals"/>, without stopping at a match: the time taken depends neither
/// on how much of a key was right nor on which key matched (hashing first also hides the length).
/// A key stops working at once, with every token issued for it, when it is <b>revoked</b> (the ids the cluster's
/// metadata lists, <see cref="SetRevoked"/>) or when it leaves the keys file, which is re-read when it changes (looked
/// at most once per <see cref="ReloadInterval"/>). A keys file that no longer parses keeps the previous keys.
/// Thread-safe: the key set and the revoked ids are immutable and swapped whole.
/// </summary>
public sealed partial class ApiKeyStore
{
    /// <summary>How often the keys file's modification time is looked at, at most.</summary>
    public static readonly TimeSpan ReloadInterval = TimeSpan.FromSeconds(1);

    private readonly IReadOnlyList<ApiKeyOption> _fixedKeys;
    private readonly string? _file;
    private readonly TimeProvider _time;
    private readonly Lock _reload = new();
    private volatile Entry[] _keys;
    private volatile FrozenSet<string> _revoked = FrozenSet<string>.Empty;
    private DateTime _fileStamp;
    private long _nextCheckMs;
    private int _generation;

    private sealed record Entry(byte[] Hash, CallerIdentity Identity);

    /// <param name="keys">Every key known at start (configuration and keys file).</param>
    /// <param name="fixedKeys">The keys from the configuration alone (kept when the file changes); default: all of <paramref name="keys"/>.</param>
    /// <param name="file">The keys file to follow, if any.</param>
    /// <param name="time">The clock that paces looking at the keys file (default: the system clock).</param>
    public ApiKeyStore(IEnumerable<ApiKeyOption> keys, IReadOnlyList<ApiKeyOption>? fixedKeys = null, string? file = null, TimeProvider? time = null)
    {
        var all = keys.ToArray();
        _fixedKeys = fixedKeys ?? all;
        _file = file;
        _time = time ?? TimeProvider.System;
        _keys = Entries(all);
        if (_file is not null && File.Exists(_file)) _fileStamp = File.GetLastWriteTimeUtc(_file);
        _nextCheckMs = (_time.GetUtcNow() + ReloadInterval).ToUnixTimeMilliseconds();
    }

    public int Count => _keys.Length;

    /// <summary>The fingerprint of a key: the first 8 bytes of its SHA-256, in hex (safe to show: the keys are random).</summary>
    public static string KeyIdOf(string key) => KeyIdOf(Hash(key));

    /// <summary>The configured keys as (name, role, key id), for the admin listing.</summary>
    public IReadOnlyList<CallerIdentity> Identities
    {
        get
        {
            MaybeReload();
            return [.. _keys.Select(k => k.Identity)];
        }
    }

    /// <summary>The revoked key ids in force.</summary>
    public IReadOnlySet<string> Revoked => _revoked;

    /// <summary>Replaces the revoked key ids (from the cluster's metadata, applied on every node).</summary>
    public void SetRevoked(IEnumerable<string> keyIds)
    {
        var revoked = keyIds.ToFrozenSet(StringComparer.Ordinal);
        if (revoked.SetEquals(_revoked)) return;
        _revoked = revoked;
        Interlocked.Increment(ref _generation);
    }

    /// <summary>
    /// Changes whenever a key may have stopped working (a revocation applied, the keys file re-read), so a long-lived
    /// session (a RESP connection) checks its key again only then. Looks at the keys file when that is due.
    /// </summary>
    public int Generation
    {
        get
        {
            MaybeReload();
            return Volatile.Read(ref _generation);
        }
    }

    /// <summary>The identity of the key, or null when no current, unrevoked key matches.</summary>
    public CallerIdentity? Find(string presented)
    {
        MaybeReload();
        var hash = Hash(presented);
        CallerIdentity? found = null;
        foreach (var (stored, identity) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(stored, hash)) found = identity;
        }
        return found is not null && !_revoked.Contains(found.KeyId) ? found : null;
    }

    /// <summary>True while the key <paramref name="keyId"/> is configured and not revoked (a token for it is still good).</summary>
    public bool IsCurrent(string keyId)
    {
        MaybeReload();
        return !_revoked.Contains(keyId) && _keys.Any(k => k.Identity.KeyId == keyId);
    }

    private void MaybeReload()
    {
        // Lock-free until a look is due: this runs on every key check and every RESP command.
        if (_file is null || _time.GetUtcNow().ToUnixTimeMilliseconds() < Volatile.Read(ref _nextCheckMs)) return;
        lock (_reload)
        {
            var now = _time.GetUtcNow();
            if (now.ToUnixTimeMilliseconds() < _nextCheckMs) return;
            Volatile.Write(ref _nextCheckMs, (now + ReloadInterval).ToUnixTimeMilliseconds());
            var stamp = File.Exists(_file) ? File.GetLastWriteTimeUtc(_file) : default;
            if (stamp == _fileStamp) return;
            _fileStamp = stamp;
            var errors = new List<string>();
            var fromFile = ApiKeySpec.ReadFile(_file, errors);
            if (errors.Count > 0) return;
            _keys = Entries([.. _fixedKeys, .. fromFile]);
            Interlocked.Increment(ref _generation);
        }
    }

    private static Entry[] Entries(IEnumerable<ApiKeyOption> keys) => [.. keys.Select(k =>
    {
        var hash = Hash(k.Key);
        return new Entry(hash, new CallerIdentity(string.IsNullOrEmpty(k.Name) ? k.Role : k.Name, k.Role) { KeyId = KeyIdOf(hash) });
    })];

    private static string KeyIdOf(byte[] hash) => Convert.ToHexStringLower(hash, 0, 8);

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
