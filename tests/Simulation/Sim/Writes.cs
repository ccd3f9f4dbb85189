// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;
using RaftCache.Checker;
using RaftCache.Raft;
using RaftCache.StateMachine;

namespace RaftCache.Simulation.Sim;

/// <summary>What a client learns from the model's point of view: found / condition held, value, and the key's write count.</summary>
public readonly record struct KvResult(bool Found, string? Value, long Version);

/// <summary>
/// A client's command. The checker's model versions a key by counting its writes; the production state machine
/// versions it by the log index of its last write. <see cref="Writes"/> translates between the two.
/// </summary>
public readonly record struct KvCommand(int ClientId, long Seq, KvOpKind Kind, string Key, string? Value, long ExpectedVersion)
{
    /// <summary>The production command bytes; a Cas carries the log index that the expected write count stands for.</summary>
    public byte[] Encode(ulong expectedIndex, long timestampMs)
    {
        var session = new ClientSession((ulong)ClientId, (ulong)Seq, 0);
        var key = Encoding.UTF8.GetBytes(Key);
        var value = Encoding.UTF8.GetBytes(Value ?? "");
        return Kind switch
        {
            KvOpKind.Put => CommandCodec.EncodePut(key, value, [], timestampMs, session: session),
            KvOpKind.PutIfAbsent => CommandCodec.EncodePut(key, value, [], timestampMs, condition: WriteCondition.IfAbsent, session: session),
            KvOpKind.Cas => CommandCodec.EncodePut(key, value, [], timestampMs, condition: WriteCondition.IfVersion, expectedVersion: expectedIndex, session: session),
            KvOpKind.Delete => CommandCodec.EncodeDelete(key, timestampMs, session: session),
            _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "not a write"),
        };
    }

    /// <summary>The client command inside a committed entry, or null for an entry without a client session.</summary>
    public static KvCommand? Decode(ReadOnlySpan<byte> data)
    {
        var c = CommandCodec.Decode(data);
        if (c.Session is not { } session) return null;
        var kind = (c.Kind, c.Condition) switch
        {
            (CommandKind.Delete, _) => KvOpKind.Delete,
            (CommandKind.Put, WriteCondition.IfAbsent) => KvOpKind.PutIfAbsent,
            (CommandKind.Put, WriteCondition.IfVersion) => KvOpKind.Cas,
            _ => KvOpKind.Put,
        };
        var value = c.Kind == CommandKind.Put ? Encoding.UTF8.GetString(c.Value) : null;
        return new KvCommand((int)session.ClientId, (long)session.Sequence, kind, Encoding.UTF8.GetString(c.Key), value, 0);
    }
}

/// <summary>
/// Ground truth of the client writes: each group's writes in log order, with the production state machine's answer
/// at their first apply anywhere (first applies happen in index order: a node applies in order). It gives each key's
/// write count at any applied index, and the log index of each counted write.
/// </summary>
public sealed class Writes
{
    private readonly Dictionary<(ulong Group, string Key), List<KeyWrite>> _keys = [];
    private readonly Dictionary<ulong, ulong> _lastIndex = [];
    private readonly Dictionary<(int Client, long Seq), AppliedWrite> _byCommand = [];

    /// <summary>A write that took effect: its index, the key's write count after it, and the state it left.</summary>
    public readonly record struct KeyWrite(ulong Index, long Count, bool Exists, string? Value);

    public readonly record struct AppliedWrite(ulong Group, ulong Index, ulong Term, KvResult Result);

    /// <summary>Records the first apply of a client entry; false when the entry was applied before (or has no session).</summary>
    public bool Record(ulong group, Entry entry, ApplyResult result, out KvCommand command, out KvResult answer)
    {
        command = default;
        answer = default;
        if (entry.Index <= _lastIndex.GetValueOrDefault(group) || KvCommand.Decode(entry.Data.Span) is not { } decoded) return false;
        _lastIndex[group] = entry.Index;
        command = decoded;
        var list = Key(group, decoded.Key);
        var last = list.Count > 0 ? list[^1] : default;
        if (result.Status == ApplyStatus.Applied && !result.IsDuplicate)
        {
            var exists = decoded.Kind != KvOpKind.Delete;
            list.Add(new KeyWrite(entry.Index, last.Count + 1, exists, exists ? decoded.Value : null));
            answer = new KvResult(true, exists ? decoded.Value : null, last.Count + 1);
        }
        else if (result.Status == ApplyStatus.PreconditionFailed)
        {
            answer = new KvResult(false, last.Value, last.Count);
        }
        else
        {
            return false;
        }
        _byCommand.TryAdd((decoded.ClientId, decoded.Seq), new AppliedWrite(group, entry.Index, entry.Term, answer));
        return true;
    }

    public bool TryGet(int client, long seq, out AppliedWrite write) => _byCommand.TryGetValue((client, seq), out write);

    /// <summary>The key's last write at or below <paramref name="applied"/> (default: never written).</summary>
    public KeyWrite StateAt(ulong group, string key, ulong applied)
    {
        var list = Key(group, key);
        for (var i = list.Count - 1; i >= 0; i--)
        {
            if (list[i].Index <= applied) return list[i];
        }
        return default;
    }

    /// <summary>The production version (log index) a model version stands for; 0, which no visible key has, when it is no put.</summary>
    public ulong IndexOf(ulong group, string key, long count)
    {
        foreach (var write in Key(group, key))
        {
            if (write.Count == count) return write.Exists ? write.Index : 0;
        }
        return 0;
    }

    private List<KeyWrite> Key(ulong group, string key)
    {
        if (!_keys.TryGetValue((group, key), out var list)) _keys[(group, key)] = list = [];
        return list;
    }
}
