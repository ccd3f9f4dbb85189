// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text.Json;
using RaftCache.Cli.Archive;

namespace RaftCache.Cli.Commands;

/// <summary>The target cluster's shards and their slot ranges, read from GET /admin/cluster.</summary>
public sealed class TargetShards
{
    private readonly int[] _shardOfSlot = new int[Slots.Count];

    private TargetShards(string clusterId, IReadOnlyDictionary<int, long?> shards)
    {
        ClusterId = clusterId;
        Shards = shards;
    }

    public string ClusterId { get; }

    /// <summary>Shard id → key count as the answering node reports it (null when it holds no replica).</summary>
    public IReadOnlyDictionary<int, long?> Shards { get; }

    public int ShardOf(ReadOnlySpan<byte> key) => _shardOfSlot[Slots.Of(key)];

    public static async Task<TargetShards> ReadAsync(CliContext context, CancellationToken ct)
    {
        var view = await context.Client.GetJsonAsync("/admin/cluster", ct);
        var shards = view.GetProperty("shards").EnumerateArray().ToArray();
        var target = new TargetShards(view.GetProperty("cluster_id").GetString()!,
            shards.ToDictionary(s => s.GetProperty("id").GetInt32(), s => s.GetProperty("keys").ValueKind == JsonValueKind.Number ? s.GetProperty("keys").GetInt64() : (long?)null));
        foreach (var s in shards)
        {
            var slots = s.GetProperty("slots");
            for (var slot = slots[0].GetInt32(); slot <= slots[1].GetInt32(); slot++) target._shardOfSlot[slot] = s.GetProperty("id").GetInt32();
        }
        if (Array.IndexOf(target._shardOfSlot, 0) is var gap and >= 0) throw new CliException(ExitCodes.ServerError, $"The target cluster's shards do not cover slot {gap}.");
        return target;
    }

    public static async Task EnsureEmptyAsync(CliContext context, TargetShards target, CancellationToken ct)
    {
        long keys = 0;
        foreach (var (shard, known) in target.Shards)
        {
            keys += known ?? (await RestoreCheck.FetchAsync(context, shard, ct)).Count;
        }
        if (keys > 0)
        {
            throw new CliException(ExitCodes.Conflict,
                $"The target cluster {target.ClusterId} holds {keys} keys; restore only into an empty cluster (flush it with DELETE /admin/keys), or give --resume to continue an interrupted restore. Nothing was written.");
        }
    }
}
