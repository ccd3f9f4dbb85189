// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Resp;

/// <summary>Limits on what one client may send; each is checked before the bytes are buffered.</summary>
public sealed record RespLimits
{
    /// <summary>Longest bulk string (a key or a value): the node's value limit.</summary>
    public int MaxBulkBytes { get; init; } = 1 << 20;

    /// <summary>Most elements in one command array (arguments, including the command name).</summary>
    public int MaxArrayLength { get; init; } = 64 * 1024;

    /// <summary>Longest inline command (a line typed into telnet), as in Redis.</summary>
    public int MaxInlineBytes { get; init; } = 64 * 1024;

    /// <summary>Most bytes one command may declare in total, so a pipeline cannot buffer without bound.</summary>
    public long MaxCommandBytes { get; init; } = 16L << 20;

    /// <summary>Most commands parsed from one read before their replies are sent.</summary>
    public int MaxPipelineBatch { get; init; } = 1024;

    /// <summary>
    /// Most bytes of complete commands gathered from several reads into one batch (a pipeline that arrived faster than
    /// one read takes); past it the batch runs and the rest waits for the next one. Two reads' worth: a pipeline of 16
    /// SETs of 1 KiB is one batch, while a connection's bytes in flight stay near what one read gave (gathering 16 SETs
    /// of 8 KiB whole multiplied the p99 of that load by five or more).
    /// </summary>
    public long MaxGatheredBatchBytes { get; init; } = 2 * RespConnection.ReadBufferBytes;

    /// <summary>Most client connections open at once; the next one is told so and closed.</summary>
    public int MaxClients { get; init; } = 10_000;

    /// <summary>Most keys one KEYS or SCAN answer holds.</summary>
    public int MaxKeysPerReply { get; init; } = 10_000;
}
