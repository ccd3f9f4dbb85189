// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.Collections.Immutable;
using RaftCache.Codec;

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
        var buffer = new ArrayBufferWriter<byte>(4 + change.Changes.Length * ChangeBytes + 4 + change.Context.Length);
        var w = new ByteWriter(buffer);
        w.Byte(Version);
        w.Byte((byte)change.Transition);
        w.UInt16((ushort)change.Changes.Length);
        foreach (var single in change.Changes)
        {
            w.Byte((byte)single.Type);
            w.UInt64(single.NodeId);
        }

        w.Int32(change.Context.Length);
        w.Raw(change.Context.Span);
        return buffer.WrittenSpan.ToArray();
    }

    /// <exception cref="FormatException">The bytes are not an encoded configuration change.</exception>
    public static ConfChange Decode(ReadOnlySpan<byte> data)
    {
        var r = new ByteReader<FormatErrors>(data);
        var version = r.Byte("configuration change version");
        if (version != Version) throw new FormatException($"unknown configuration change version {version}");
        var transition = r.Byte("transition");
        if (transition > (byte)ConfChangeTransition.JointExplicit) throw new FormatException($"unknown transition {transition}");
        int count = r.UInt16("change count");
        r.CheckFits((ulong)count, "change", ChangeBytes);
        var changes = ImmutableArray.CreateBuilder<ConfChangeSingle>(count);
        for (var i = 0; i < count; i++)
        {
            var type = r.Byte("change type");
            if (type > (byte)ConfChangeType.AddLearner) throw new FormatException($"unknown change type {type}");
            changes.Add(new ConfChangeSingle((ConfChangeType)type, r.UInt64("node id")));
        }

        var contextLength = r.Int32("context length");
        if (contextLength < 0 || contextLength != r.Remaining) throw new FormatException("configuration change context length mismatch");
        return new ConfChange
        {
            Transition = (ConfChangeTransition)transition,
            Changes = changes.MoveToImmutable(),
            Context = r.Rest().ToArray(),
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
