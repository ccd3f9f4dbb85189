// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;
using System.Security.Cryptography;

namespace RaftCache.Storage;

/// <summary>
/// AES-256-GCM for WAL record payloads. An encrypted payload is <c>u32 key id | 12-byte nonce | ciphertext | 16-byte
/// tag</c>; the associated data is the record header's bytes 8..32 (type, flags, group, lsn), so a record cannot be
/// moved to another place in the log or to another group without failing authentication. Not thread-safe: the WAL
/// uses it under its staging lock and during recovery only.
/// </summary>
internal sealed class RecordCipher(StorageKeyring keyring) : IDisposable
{
    public const int KeyIdBytes = 4;
    public const int NonceBytes = 12;
    public const int TagBytes = 16;
    public const int OverheadBytes = KeyIdBytes + NonceBytes + TagBytes;

    private readonly NonceSource _nonces = new();
    private readonly Dictionary<uint, AesGcm> _ciphers = [];

    public StorageKeyring Keyring => keyring;

    /// <summary>Encrypts in place: the plaintext at <c>area[..plainLength]</c> becomes the encrypted payload, <see cref="OverheadBytes"/> longer.</summary>
    public void Seal(Span<byte> area, int plainLength, ReadOnlySpan<byte> associated)
    {
        var text = area.Slice(KeyIdBytes + NonceBytes, plainLength);
        area[..plainLength].CopyTo(text); // overlapping copy: Span.CopyTo moves as if through a temporary
        BinaryPrimitives.WriteUInt32LittleEndian(area, keyring.ActiveKeyId);
        var nonce = area.Slice(KeyIdBytes, NonceBytes);
        _nonces.Next(nonce);
        Cipher(keyring.ActiveKeyId).Encrypt(nonce, text, text, area.Slice(KeyIdBytes + NonceBytes + plainLength, TagBytes), associated);
    }

    /// <summary>Decrypts an encrypted payload.</summary>
    /// <exception cref="StorageKeyException">The key id it names is not in the keyring.</exception>
    /// <exception cref="StorageCorruptionException">It fails authentication (tampered, or another key under that id).</exception>
    public byte[] Open(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> associated, string path, long offset)
    {
        if (payload.Length < OverheadBytes) throw new StorageCorruptionException(path, offset, "encrypted record shorter than its key id, nonce and tag");
        var id = BinaryPrimitives.ReadUInt32LittleEndian(payload);
        var plain = new byte[payload.Length - OverheadBytes];
        try
        {
            Cipher(id, path, offset).Decrypt(payload.Slice(KeyIdBytes, NonceBytes), payload.Slice(KeyIdBytes + NonceBytes, plain.Length), payload[^TagBytes..], plain, associated);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new StorageCorruptionException(path, offset, $"encrypted record fails authentication with key id {id} (tampered, or written with a different key under that id)");
        }
        return plain;
    }

    public void Dispose()
    {
        foreach (var cipher in _ciphers.Values) cipher.Dispose();
        _ciphers.Clear();
    }

    private AesGcm Cipher(uint id, string path = "", long offset = 0)
    {
        if (_ciphers.TryGetValue(id, out var cipher)) return cipher;
        if (!keyring.TryGetKey(id, out var key)) throw new StorageKeyException(path, offset, id, $"the keyring holds key ids {string.Join(", ", keyring.KeyIds.Order())}");
        cipher = new AesGcm(key, TagBytes);
        _ciphers[id] = cipher;
        return cipher;
    }
}

/// <summary>
/// GCM nonces that never repeat under one key: 8 random bytes chosen when the source is created (per WAL open) and
/// a 32-bit counter; when the counter runs out a new random prefix is drawn. Two prefixes collide with probability
/// about n²/2⁶⁵ over n opens, negligible for any realistic number of restarts and rotations. Thread-safe.
/// </summary>
internal sealed class NonceSource
{
    private readonly Lock _gate = new();
    private readonly byte[] _prefix = new byte[8];
    private uint _counter;

    public NonceSource() => RandomNumberGenerator.Fill(_prefix);

    public void Next(Span<byte> nonce)
    {
        lock (_gate)
        {
            if (_counter == uint.MaxValue)
            {
                RandomNumberGenerator.Fill(_prefix);
                _counter = 0;
            }
            _prefix.CopyTo(nonce);
            BinaryPrimitives.WriteUInt32LittleEndian(nonce[8..], _counter++);
        }
    }
}
