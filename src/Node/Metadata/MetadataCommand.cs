// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text.Json;
using System.Text.Json.Serialization;

namespace RaftCache.Node.Metadata;

/// <summary>
/// Commands of the metadata group, encoded as JSON (the group is small and rarely written, so readability of
/// its log beats compactness). Each applies deterministically to a <see cref="ClusterRecord"/>.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(BootstrapCommand), "bootstrap")]
[JsonDerivedType(typeof(PublishMemberCommand), "publish")]
public abstract record MetadataCommand
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public byte[] Encode() => JsonSerializer.SerializeToUtf8Bytes(this, Options);

    public static MetadataCommand Decode(ReadOnlySpan<byte> data) =>
        JsonSerializer.Deserialize<MetadataCommand>(data, Options) ?? throw new JsonException("empty metadata command");

    public static JsonSerializerOptions JsonOptions => Options;
}

/// <summary>Records the founding cluster; proposed once by the first leader of the metadata group. A second one is ignored.</summary>
public sealed record BootstrapCommand(ClusterRecord Record) : MetadataCommand;

/// <summary>A member announces the REST URL it serves (so others can forward to it). Idempotent.</summary>
public sealed record PublishMemberCommand(ulong Id, string RestUrl) : MetadataCommand;
