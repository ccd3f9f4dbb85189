// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Api;

/// <summary>OpenAPI documentation of the backup and restore endpoints (docs/api.md, "Backup and restore").</summary>
internal static class BackupDocs
{
    public static readonly EndpointDoc Snapshot = new(
        "One shard's entries at an index its leader confirmed",
        "Served by the shard's leader (any node forwards): it confirms its leadership (ReadIndex), so every write " +
        "acknowledged before the call is included, and copies the shard's live entries at one applied index. The body " +
        "(application/vnd.raftcache.entries) is a u32 little-endian header length, a JSON header {cluster_id, shard, slots, index, " +
        "term, keys, state_hash, taken_at_ms}, then one record per entry: u16 key length, key, u8 content-type length, " +
        "content type, i64 absolute expiry in Unix ms (-1 = none), i32 value length, value. Expired entries are left out.",
        Errors: new Dictionary<int, string> { [404] = "No such shard.", [503] = "No leader confirmed the shard within the request timeout." });

    public static readonly EndpointDoc Entries = new(
        "Write a batch of entries into one shard (restore)",
        "The body (application/vnd.raftcache.entries) is entry records as in the shard snapshot, without the header. " +
        "Each becomes a replicated put keeping its content type and absolute expiry; entries whose expiry has passed are " +
        "skipped. Every key must belong to the shard. The answer comes after every put is applied. A batch may be " +
        "sent again: the same puts leave the same values.",
        ResponseExamples: new Dictionary<int, string> { [200] = """{"shard":3,"written":120,"skipped_expired":2}""" },
        Errors: new Dictionary<int, string>
        {
            [400] = "Malformed or truncated records, or a key of another shard.",
            [404] = "No such shard.",
            [413] = "The batch is larger than MaxValueBytes plus 64 KiB.",
            [503] = "Not every put was confirmed within the request timeout; sending the batch again is safe.",
            [507] = "The shard's memory limit is reached.",
        });
}
