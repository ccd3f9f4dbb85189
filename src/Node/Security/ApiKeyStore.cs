// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Security.Cryptography;
using System.Text;
using RaftCache.Node.Configuration;

namespace RaftCache.Node.Security;

/// <summary>Who an API key or a token says the caller is.</summary>
public sealed record CallerIdentity(string Name, string Role);

/// <summary>
/// The configured API keys, kept only as SHA-256 hashes. A presented key is hashed and compared with every stored
/// hash by <see cref="CryptographicOperations.FixedTimeEquals"/>, without stopping at a match: the time taken
/// depends neither on how much of a key was right nor on which key matched (hashing first also hides the length).
/// </summary>
public sealed class ApiKeyStore
{
    private readonly (byte[] Hash, CallerIdentity Identity)[] _keys;

    public ApiKeyStore(IEnumerable<ApiKeyOption> keys)
    {
        _keys = keys.Select(k => (Hash(k.Key), new CallerIdentity(string.IsNullOrEmpty(k.Name) ? k.Role : k.Name, k.Role))).ToArray();
    }

    public int Count => _keys.Length;

    /// <summary>The identity of the key, or null when no configured key matches.</summary>
    public CallerIdentity? Find(string presented)
    {
        var hash = Hash(presented);
        CallerIdentity? found = null;
        foreach (var (stored, identity) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(stored, hash)) found = identity;
        }
        return found;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
