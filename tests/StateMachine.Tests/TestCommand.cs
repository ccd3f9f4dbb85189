// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;

namespace RaftCache.StateMachine.Tests;

/// <summary>A command in readable form, encoded with the production codec for the real state machine.</summary>
internal sealed record TestCommand
{
    public CommandKind Kind { get; init; }

    public long TimestampMs { get; init; }

    public ulong ClientId { get; init; }

    public ulong Sequence { get; init; }

    public ulong FirstUnacknowledged { get; init; }

    public string Key { get; init; } = "k";

    public string ContentType { get; init; } = "";

    public byte[] Value { get; init; } = [];

    public WriteCondition Condition { get; init; }

    public ulong ExpectedVersion { get; init; }

    public ExpiryMode ExpiryMode { get; init; }

    public long ExpiresAtMs { get; init; }

    public long SweepUpToMs { get; init; }

    public uint SweepMaxKeys { get; init; }

    public long MemoryLimit { get; init; } = 1;

    public byte[] Encode()
    {
        ClientSession? session = ClientId == 0 ? null : new ClientSession(ClientId, Sequence, FirstUnacknowledged);
        var key = Encoding.UTF8.GetBytes(Key);
        return Kind switch
        {
            CommandKind.Put => CommandCodec.EncodePut(
                key, Value, Encoding.UTF8.GetBytes(ContentType), TimestampMs, ExpiryMode, ExpiresAtMs, Condition, ExpectedVersion, session),
            CommandKind.Delete => CommandCodec.EncodeDelete(key, TimestampMs, Condition, ExpectedVersion, session),
            CommandKind.Flush => CommandCodec.EncodeFlush(TimestampMs, session),
            CommandKind.ExpirySweep => CommandCodec.EncodeExpirySweep(TimestampMs, SweepUpToMs, SweepMaxKeys),
            _ => CommandCodec.EncodeSetMemoryLimit(TimestampMs, MemoryLimit),
        };
    }

    public static TestCommand Put(string key, string value, long timestampMs, long? expiresAtMs = null) => new()
    {
        Kind = CommandKind.Put,
        Key = key,
        Value = Encoding.UTF8.GetBytes(value),
        ContentType = "application/json",
        TimestampMs = timestampMs,
        ExpiryMode = expiresAtMs is null ? ExpiryMode.None : ExpiryMode.At,
        ExpiresAtMs = expiresAtMs ?? 0,
    };
}
