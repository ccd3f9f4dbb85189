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

    /// <exception cref="JsonException">The bytes are not one whole, valid metadata command (every decoding failure is reported as this type).</exception>
    public static MetadataCommand Decode(ReadOnlySpan<byte> data)
    {
        var command = MetadataJson.Deserialize<MetadataCommand>(data, Options, "metadata command");
        switch (command)
        {
            case BootstrapCommand bootstrap:
                MetadataJson.Check(bootstrap.Record, "bootstrap command");
                break;
            case PublishMemberCommand publish when publish.RestUrl is null:
                throw new JsonException("metadata publish command without a rest_url");
        }
        return command;
    }

    public static JsonSerializerOptions JsonOptions => Options;
}

/// <summary>Records the founding cluster; proposed once by the first leader of the metadata group. A second one is ignored.</summary>
public sealed record BootstrapCommand(ClusterRecord Record) : MetadataCommand;

/// <summary>A member announces the REST URL it serves (so others can forward to it). Idempotent.</summary>
public sealed record PublishMemberCommand(ulong Id, string RestUrl) : MetadataCommand;
