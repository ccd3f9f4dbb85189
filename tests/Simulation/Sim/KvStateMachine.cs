// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;
using System.Text;
using RaftCache.Checker;

namespace RaftCache.Simulation.Sim;

/// <summary>A client command as it travels in a log entry.</summary>
public readonly record struct KvCommand(int ClientId, long Seq, KvOpKind Kind, string Key, string? Value, long ExpectedVersion)
{
    public byte[] Encode()
    {
        var key = Encoding.UTF8.GetBytes(Key);
        var value = Encoding.UTF8.GetBytes(Value ?? "");
        var buffer = new byte[4 + 8 + 1 + 8 + 2 + key.Length + 2 + value.Length];
        var span = buffer.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, ClientId);
        BinaryPrimitives.WriteInt64LittleEndian(span[4..], Seq);
        span[12] = (byte)Kind;
        BinaryPrimitives.WriteInt64LittleEndian(span[13..], ExpectedVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(span[21..], (ushort)key.Length);
        key.CopyTo(span[23..]);
        BinaryPrimitives.WriteUInt16LittleEndian(span[(23 + key.Length)..], (ushort)value.Length);
        value.CopyTo(span[(25 + key.Length)..]);
        return buffer;
    }

    public static KvCommand Decode(ReadOnlySpan<byte> span)
    {
        var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(span[21..]);
        var key = Encoding.UTF8.GetString(span.Slice(23, keyLength));
        var valueLength = BinaryPrimitives.ReadUInt16LittleEndian(span[(23 + keyLength)..]);
        var value = Encoding.UTF8.GetString(span.Slice(25 + keyLength, valueLength));
        return new KvCommand(
            BinaryPrimitives.ReadInt32LittleEndian(span), BinaryPrimitives.ReadInt64LittleEndian(span[4..]), (KvOpKind)span[12],
            key, value.Length == 0 ? null : value, BinaryPrimitives.ReadInt64LittleEndian(span[13..]));
    }
}

/// <summary>What applying a command answered: for Cas/PutIfAbsent, <see cref="Found"/> says whether it wrote.</summary>
public readonly record struct KvResult(bool Found, string? Value, long Version);

/// <summary>
/// The replicated state machine of the simulation: <see cref="KvModel"/>'s versioned register per key plus
/// a (client, seq) dedupe table, so a command delivered twice (a duplicated forwarded proposal) applies once.
/// Deterministic and serialisable for snapshots.
/// </summary>
public sealed class KvStateMachine
{
    private readonly SortedDictionary<string, KvState> _keys = new(StringComparer.Ordinal);
    private readonly SortedDictionary<int, (long Seq, KvResult Result)> _sessions = [];

    public ulong Applied { get; set; }

    /// <summary>Applies a command; a repeat of a client's latest seq returns the first answer without effect.</summary>
    public KvResult Apply(in KvCommand command, out bool duplicate)
    {
        duplicate = _sessions.TryGetValue(command.ClientId, out var session) && command.Seq <= session.Seq;
        if (duplicate) return session.Result;
        var state = _keys.GetValueOrDefault(command.Key, KvState.Initial);
        var result = Execute(state, command, out var next);
        _keys[command.Key] = next;
        _sessions[command.ClientId] = (command.Seq, result);
        return result;
    }

    public KvResult Read(string key)
    {
        var state = _keys.GetValueOrDefault(key, KvState.Initial);
        return new KvResult(state.Exists, state.Value, state.Version);
    }

    private static KvResult Execute(KvState state, in KvCommand c, out KvState next)
    {
        var op = new KvOperation { ClientId = c.ClientId, Key = c.Key, Kind = c.Kind, Value = c.Value, ExpectedVersion = c.ExpectedVersion, CallTime = 0, Outcome = KvOutcome.Indeterminate };
        KvModel.Step(state, op, out next);
        var wrote = next.Version != state.Version;
        return c.Kind == KvOpKind.Get ? new KvResult(state.Exists, state.Value, state.Version) : new KvResult(wrote, next.Value, next.Version);
    }

    public byte[] Serialize()
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream, Encoding.UTF8);
        writer.Write(Applied);
        writer.Write(_keys.Count);
        foreach (var (key, state) in _keys)
        {
            writer.Write(key);
            writer.Write(state.Exists);
            writer.Write(state.Value ?? "");
            writer.Write(state.Version);
        }

        writer.Write(_sessions.Count);
        foreach (var (client, (seq, result)) in _sessions)
        {
            writer.Write(client);
            writer.Write(seq);
            writer.Write(result.Found);
            writer.Write(result.Value ?? "");
            writer.Write(result.Version);
        }

        writer.Flush();
        return stream.ToArray();
    }

    public void Restore(ReadOnlyMemory<byte> data)
    {
        _keys.Clear();
        _sessions.Clear();
        using var reader = new BinaryReader(new MemoryStream(data.ToArray()), Encoding.UTF8);
        Applied = reader.ReadUInt64();
        for (int i = 0, n = reader.ReadInt32(); i < n; i++)
        {
            var key = reader.ReadString();
            var exists = reader.ReadBoolean();
            var value = reader.ReadString();
            _keys[key] = new KvState(exists, exists ? value : null, reader.ReadInt64());
        }

        for (int i = 0, n = reader.ReadInt32(); i < n; i++)
        {
            var client = reader.ReadInt32();
            var seq = reader.ReadInt64();
            var found = reader.ReadBoolean();
            var value = reader.ReadString();
            _sessions[client] = (seq, new KvResult(found, value.Length == 0 ? null : value, reader.ReadInt64()));
        }
    }

    /// <summary>FNV-1a over the serialised state: equal hashes at equal applied indexes mean converged replicas.</summary>
    public ulong StateHash() => Fnv.Hash(Serialize());
}

/// <summary>64-bit FNV-1a, used for content and trace hashes (stable across runs, unlike string.GetHashCode).</summary>
public static class Fnv
{
    public const ulong Offset = 0xcbf29ce484222325UL;

    public static ulong Hash(ReadOnlySpan<byte> data, ulong hash = Offset)
    {
        foreach (var b in data) hash = (hash ^ b) * 0x100000001b3UL;
        return hash;
    }

    public static ulong Mix(ulong hash, ulong value)
    {
        for (var i = 0; i < 8; i++, value >>= 8) hash = (hash ^ (value & 0xff)) * 0x100000001b3UL;
        return hash;
    }
}
