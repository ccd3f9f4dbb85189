// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;
using System.Collections.Immutable;

namespace RaftCache.Raft;

/// <summary>
/// Binary form of a <see cref="ConfChange"/>, carried as the data of <see cref="EntryType.ConfChange"/>
/// entries. Persisted: the layout only ever gains fields behind a new version byte.
/// Layout (little endian): version (1 byte, = 1), transition (1), change count (u16), per change
/// type (1) + node id (u64), then context length (i32) and context bytes.
/// </summary>
public static class ConfChangeCodec
{
    private const byte Version = 1;
    private const int ChangeBytes = 9;

    public static byte[] Encode(ConfChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Changes.Length > ushort.MaxValue) throw new ArgumentException("too many changes in one configuration change", nameof(change));
        var buffer = new byte[4 + change.Changes.Length * ChangeBytes + 4 + change.Context.Length];
        buffer[0] = Version;
        buffer[1] = (byte)change.Transition;
        BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(2), (ushort)change.Changes.Length);
        var offset = 4;
        foreach (var single in change.Changes)
        {
            buffer[offset] = (byte)single.Type;
            BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(offset + 1), single.NodeId);
            offset += ChangeBytes;
        }

        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(offset), change.Context.Length);
        change.Context.Span.CopyTo(buffer.AsSpan(offset + 4));
        return buffer;
    }

    /// <exception cref="FormatException">The bytes are not an encoded configuration change.</exception>
    public static ConfChange Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length < 8) throw new FormatException($"configuration change too short ({data.Length} bytes)");
        if (data[0] != Version) throw new FormatException($"unknown configuration change version {data[0]}");
        var transition = (ConfChangeTransition)data[1];
        if (transition > ConfChangeTransition.JointExplicit) throw new FormatException($"unknown transition {data[1]}");
        int count = BinaryPrimitives.ReadUInt16LittleEndian(data[2..]);
        var offset = 4;
        if (data.Length < offset + count * ChangeBytes + 4) throw new FormatException("configuration change truncated");
        var changes = ImmutableArray.CreateBuilder<ConfChangeSingle>(count);
        for (var i = 0; i < count; i++)
        {
            var type = (ConfChangeType)data[offset];
            if (type > ConfChangeType.AddLearner) throw new FormatException($"unknown change type {data[offset]}");
            changes.Add(new ConfChangeSingle(type, BinaryPrimitives.ReadUInt64LittleEndian(data[(offset + 1)..])));
            offset += ChangeBytes;
        }

        var contextLength = BinaryPrimitives.ReadInt32LittleEndian(data[offset..]);
        offset += 4;
        if (contextLength < 0 || data.Length != offset + contextLength) throw new FormatException("configuration change context length mismatch");
        return new ConfChange
        {
            Transition = transition,
            Changes = changes.MoveToImmutable(),
            Context = data[offset..].ToArray(),
        };
    }

    /// <summary>Short text form for logs and interaction scripts, e.g. "v2 l4 r1" (etcd style).</summary>
    public static string Describe(ConfChange change)
    {
        if (change.IsLeaveJoint) return "leave-joint";
        var parts = change.Changes.Select(c => c.Type switch
        {
            ConfChangeType.AddVoter => $"v{c.NodeId}",
            ConfChangeType.AddLearner => $"l{c.NodeId}",
            _ => $"r{c.NodeId}",
        });
        var text = string.Join(' ', parts);
        return change.Transition == ConfChangeTransition.Auto ? text : $"{text} ({change.Transition})";
    }
}
