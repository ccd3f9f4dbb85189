// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text.Json;

namespace RaftCache.Node.Metadata;

/// <summary>
/// Decoding guards for the metadata group's JSON. System.Text.Json reports some bad inputs with other exception
/// types (a missing type discriminator: NotSupportedException; a duplicate dictionary key: ArgumentException) and
/// lets absent properties of records be null; both would surface later, on the host loop, as crashes. Here every
/// failure becomes one <see cref="JsonException"/> and a decoded record is checked whole.
/// </summary>
internal static class MetadataJson
{
    public static T Deserialize<T>(ReadOnlySpan<byte> data, JsonSerializerOptions options, string what)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(data, options) ?? throw new JsonException($"empty {what}");
        }
        catch (Exception e) when (e is NotSupportedException or ArgumentException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new JsonException($"{what} is malformed: {e.Message}", e);
        }
    }

    /// <summary>Every collection present, no null member or replica list, ids matching their keys.</summary>
    public static void Check(ClusterRecord? record, string what)
    {
        if (record is null) throw new JsonException($"{what} without a record");
        if (record.Members is null || record.Placement is null) throw new JsonException($"{what}: record without members or placement");
        foreach (var (id, member) in record.Members)
        {
            if (member is null || member.PeerAddress is null || member.Id != id) throw new JsonException($"{what}: member {id} is incomplete or under another id");
        }
        foreach (var (shard, replicas) in record.Placement)
        {
            if (replicas.IsDefault) throw new JsonException($"{what}: shard {shard} without a replica list");
        }
    }
}
