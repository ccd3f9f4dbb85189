// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

/// <summary>What a log entry carries. Persisted: values are explicit and only ever appended.</summary>
public enum EntryType : byte
{
    /// <summary>An application command, opaque to Raft.</summary>
    Normal = 0,

    /// <summary>The empty entry a new leader appends so that it can commit entries of earlier terms (Raft §5.4.2).</summary>
    NoOp = 1,

    /// <summary>A membership change; <see cref="Entry.Data"/> is an encoded <see cref="ConfChange"/>.</summary>
    ConfChange = 2,
}

/// <summary>One entry of a Raft log. Immutable; <see cref="Data"/> must not be mutated once proposed.</summary>
public readonly record struct Entry(ulong Index, ulong Term, EntryType Type, ReadOnlyMemory<byte> Data)
{
    /// <summary>Bytes counted against size limits: the payload plus a fixed per-entry overhead.</summary>
    public long SizeBytes => Data.Length + EntryOverheadBytes;

    /// <summary>Approximate framing cost of one entry (index, term, type, length); keeps empty entries from being free.</summary>
    public const int EntryOverheadBytes = 24;

    public override string ToString() => $"{Term}/{Index} {Type} {Data.Length}B";
}
