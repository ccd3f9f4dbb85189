// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Immutable;
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
[JsonDerivedType(typeof(AddMemberCommand), "add_member")]
[JsonDerivedType(typeof(ActivateMemberCommand), "activate_member")]
[JsonDerivedType(typeof(DrainMemberCommand), "drain_member")]
[JsonDerivedType(typeof(RemoveMemberCommand), "remove_member")]
[JsonDerivedType(typeof(PlanCommand), "plan")]
[JsonDerivedType(typeof(ReplicasChangedCommand), "replicas_changed")]
[JsonDerivedType(typeof(PreferLeaderCommand), "prefer_leader")]
[JsonDerivedType(typeof(SetDownCommand), "set_down")]
[JsonDerivedType(typeof(RevokeApiKeysCommand), "revoke_api_keys")]
[JsonDerivedType(typeof(AdmitWithJoinTokenCommand), "admit_with_join_token")]
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

    /// <summary>
    /// The session of the operator request that proposed this command (null for the nodes' own commands). A request
    /// re-proposed after a timeout or a leader change carries the same session, and applies at most once.
    /// </summary>
    public RaftCache.StateMachine.ClientSession? Session { get; init; }
}

/// <summary>Records the founding cluster; proposed once by the first leader of the metadata group. A second one is ignored.</summary>
public sealed record BootstrapCommand(ClusterRecord Record) : MetadataCommand;

/// <summary>A member announces the REST URL it serves (so others can forward to it). Idempotent.</summary>
public sealed record PublishMemberCommand(ulong Id, string RestUrl) : MetadataCommand;

/// <summary>
/// Admits a new member as <see cref="MemberState.Joining"/>. Idempotent for a retried request: a member with the
/// same peer address keeps its id. <see cref="RequestedId"/> 0 lets the cluster pick the next unused id.
/// </summary>
public sealed record AddMemberCommand(string PeerAddress, string RestUrl, ulong RequestedId) : MetadataCommand;

/// <summary>The answer to an <see cref="AddMemberCommand"/>: the member's id, or why it was refused.</summary>
public sealed record AddMemberResult(ulong Id, string? Error);

/// <summary>A joining member became a voter of the metadata group: it is active and takes replicas.</summary>
public sealed record ActivateMemberCommand(ulong Id) : MetadataCommand;

/// <summary>Starts draining a member (DELETE /admin/members/{id}).</summary>
public sealed record DrainMemberCommand(ulong Id) : MetadataCommand;

/// <summary>Removes a drained member for good; its id is never admitted again.</summary>
public sealed record RemoveMemberCommand(ulong Id) : MetadataCommand;

/// <summary>The placement controller's decision, valid only against the record revision it was computed from.</summary>
public sealed record PlanCommand(
    ulong Revision,
    ImmutableSortedDictionary<int, ImmutableArray<ulong>> Targets,
    ImmutableSortedDictionary<int, ulong> PreferredLeaders) : MetadataCommand;

/// <summary>A shard's leader reports the replicas its group has as of configuration index <see cref="ConfIndex"/>.</summary>
public sealed record ReplicasChangedCommand(int Shard, ImmutableArray<ulong> Replicas, ulong ConfIndex) : MetadataCommand;

/// <summary>An operator moved a shard's leadership (transfer-leader): the planner keeps it there unless balance needs otherwise.</summary>
public sealed record PreferLeaderCommand(int Shard, ulong Member) : MetadataCommand;

/// <summary>The metadata leader's failure detector: which members are down (unreachable for the configured time).</summary>
public sealed record SetDownCommand(ImmutableSortedSet<ulong> Down) : MetadataCommand;

/// <summary>
/// Revokes API keys by id (<c>ApiKeyStore.KeyIdOf</c>): every node refuses them, and every token issued for them, once
/// it applies this. For good and idempotent: a revoked id stays revoked (a replaced key has a new id).
/// </summary>
public sealed record RevokeApiKeysCommand(ImmutableSortedSet<string> KeyIds) : MetadataCommand;
