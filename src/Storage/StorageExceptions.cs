// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Storage;

/// <summary>
/// The data on disk is damaged somewhere other than a torn tail, so a committed record may be lost: the node
/// must not start (never silently drop data that may be committed). The message names the file and the offset.
/// </summary>
public sealed class StorageCorruptionException : Exception
{
    public StorageCorruptionException(string file, long offset, string reason)
        : base($"storage corrupted: {file} at offset {offset}: {reason}. Refusing to start; restore this node's data or replace the node.")
    {
        File = file;
        Offset = offset;
    }

    public StorageCorruptionException() { }

    public StorageCorruptionException(string message) : base(message) { }

    public StorageCorruptionException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The damaged file, relative to the storage root.</summary>
    public string File { get; } = "";

    /// <summary>The byte offset of the first damaged record in <see cref="File"/>.</summary>
    public long Offset { get; }
}

/// <summary>
/// A write, fsync, rename or delete failed. Fatal by design (fail-stop, pitfall 16): after a failed fsync the
/// kernel may have dropped the dirty pages, so retrying could report durability that does not exist. The node
/// must crash and recover from what is on disk; the storage object refuses every later call.
/// </summary>
public sealed class StorageFailedException : Exception
{
    public StorageFailedException() { }

    public StorageFailedException(string message) : base(message) { }

    public StorageFailedException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>
/// Data on disk is encrypted with a key this node does not have (no keyring configured, or the key id is not in
/// it). Nothing is damaged: configure the key file that holds that key id and start again.
/// </summary>
public sealed class StorageKeyException : Exception
{
    public StorageKeyException(string file, long offset, uint keyId, string detail)
        : base($"storage encrypted with a missing key: {file} at offset {offset} needs key id {keyId}; {detail}. Refusing to start; configure --encryption-key-file with that key.")
    {
        File = file;
        Offset = offset;
        KeyId = keyId;
    }

    public StorageKeyException() { }

    public StorageKeyException(string message) : base(message) { }

    public StorageKeyException(string message, Exception innerException) : base(message, innerException) { }

    public string File { get; } = "";

    public long Offset { get; }

    public uint KeyId { get; }
}
