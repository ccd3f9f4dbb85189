// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using RaftCache.Codec;
using RaftCache.Node.Requests;
using RaftCache.Node.Configuration;
using RaftCache.Node.Hosting;
using RaftCache.StateMachine;

namespace RaftCache.Node.Api;

/// <summary>
/// What the <c>raftcache backup</c> and <c>restore</c> commands need from a node: one shard's entries at an index its
/// leader confirmed, and a batch of puts keeping each entry's content type and absolute expiry. Admin role only;
/// both are served by the shard's leader, any other node forwards.
/// </summary>
public static class BackupEndpoints
{
    public static void MapBackup(this RouteGroupBuilder admin)
    {
        admin.MapGet("/shards/{id:int}/snapshot", SnapshotAsync).WithName("ShardSnapshot").WithDocs(BackupDocs.Snapshot);
        admin.MapPost("/shards/{id:int}/entries", RestoreAsync).WithName("RestoreEntries").WithDocs(BackupDocs.Entries);
    }

    private static Task<IResult> SnapshotAsync(int id, HttpContext http, CacheNode node, RequestDispatcher dispatcher)
    {
        if (id < 1 || id > node.Shards.ShardCount) return Task.FromResult(NoSuchShard(node));
        return dispatcher.DispatchAsync(http, id, isWrite: false, ReadConsistency.Linearizable, async (_, _, ct) =>
        {
            if (await node.CaptureShardAsync(id, ct) is not { } capture) return RouteAgain.Here; // not confirmed leader here
            var (first, last) = node.Shards.SlotRange(id);
            var header = new ShardSnapshotHeader(Metadata.ClusterRecord.FormatId(node.Cluster.ClusterId), id, [first, last], capture.Index, capture.Term, capture.Entries.Count, capture.StateHash, capture.TakenAtMs);
            var body = new ArrayBufferWriter<byte>(4096);
            BackupRecords.WriteSnapshotHeader(body, header);
            foreach (var entry in capture.Entries)
                BackupRecords.Write(body, entry.Key.Span, entry.ContentType.Span, entry.Value.Span, entry.ExpiresAtMs ?? BackupRecords.NoExpiry);
            return TypedResults.Bytes(body.WrittenMemory.ToArray(), BackupRecords.MediaType);
        });
    }

    private static Task<IResult> RestoreAsync(int id, HttpContext http, CacheNode node, RequestDispatcher dispatcher, IOptions<NodeOptions> options, TimeProvider time)
    {
        if (id < 1 || id > node.Shards.ShardCount) return Task.FromResult(NoSuchShard(node));
        return dispatcher.DispatchAsync(http, id, isWrite: true, ReadConsistency.Linearizable, async (_, body, ct) =>
        {
            List<BackupEntry> entries;
            try
            {
                entries = BackupRecords.Read<FormatErrors>(body, options.Value.MaxValueBytes);
            }
            catch (FormatException e)
            {
                return Problems.BadRequest(e.Message);
            }

            if (entries.FirstOrDefault(e => node.ShardOfKey(e.Key) != id) is { } stray)
                return Problems.BadRequest($"Key '{System.Text.Encoding.UTF8.GetString(stray.Key)}' belongs to shard {node.ShardOfKey(stray.Key)}, not {id}.");
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            // An entry whose expiry passed is not written: it would read as absent anyway, and writing it would revive
            // nothing but memory use until the sweep.
            var live = entries.Where(e => e.LiveAt(now)).ToArray();
            // Puts without a session: a put of the same value and expiry is idempotent, so a retried batch is harmless.
            var outcomes = await Task.WhenAll(live.Select(e => node.WriteHereAsync(id, CommandCodec.EncodePut(
                e.Key, e.Value, e.ContentType, now,
                e.ExpiresAtMs == BackupRecords.NoExpiry ? ExpiryMode.None : ExpiryMode.At, Math.Max(0, e.ExpiresAtMs)), ct)));
            if (outcomes.Any(o => o.Fate == WriteFate.Applied && o.Result.Status == ApplyStatus.RefusedMemoryLimit)) return Problems.InsufficientStorage($"Shard {id} reached its memory limit.");
            if (outcomes.Any(o => o.Fate is WriteFate.MayHaveApplied or WriteFate.NotApplied))
                return Problems.Unavailable("Some entries were not confirmed within the request timeout; sending the batch again is safe.", mayHaveApplied: true);
            if (outcomes.Any(o => o.Fate != WriteFate.Applied)) return RouteAgain.Here; // leadership moved: the whole batch goes again
            return TypedResults.Ok(new RestoreResponse(id, live.Length, entries.Count - live.Length));
        });
    }

    private static IResult NoSuchShard(CacheNode node) =>
        Problems.Problem(404, "No such shard", "no-such-shard", $"Shard ids are 1 to {node.Shards.ShardCount}.");
}

public sealed record RestoreResponse(
    [property: JsonPropertyName("shard")] int Shard,
    [property: JsonPropertyName("written")] int Written,
    [property: JsonPropertyName("skipped_expired")] int SkippedExpired);
