// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Immutable;
using System.Text.Json;

namespace RaftCache.Node.Metadata;

/// <summary>
/// Applies metadata commands in log order. The current record is swapped whole, so readers on other threads
/// always see a consistent cluster (read <see cref="Current"/> once per decision).
/// </summary>
public sealed class MetadataStateMachine
{
    private ClusterRecord _current = ClusterRecord.Empty;

    public ClusterRecord Current => Volatile.Read(ref _current);

    public ulong AppliedIndex { get; private set; }

    /// <summary>Raised (on the host loop) after each applied change.</summary>
    public event Action<ClusterRecord>? Changed;

    /// <summary>Applies one command; returns the answer for its proposer (an <see cref="AddMemberResult"/>, or null).</summary>
    public AddMemberResult? Apply(ulong index, ReadOnlySpan<byte> data)
    {
        var command = MetadataCommand.Decode(data);
        var (next, result) = MetadataRules.Apply(_current, command);
        AppliedIndex = index;
        if (!ReferenceEquals(next, _current))
        {
            next = next with { Revision = _current.Revision + 1 };
            Volatile.Write(ref _current, next);
            Changed?.Invoke(next);
        }
        return result;
    }

    public void MarkApplied(ulong index) => AppliedIndex = index;

    public byte[] Snapshot() => JsonSerializer.SerializeToUtf8Bytes(new MetadataSnapshot(AppliedIndex, Current), MetadataCommand.JsonOptions);

    public void Restore(ReadOnlySpan<byte> data)
    {
        var snapshot = MetadataJson.Deserialize<MetadataSnapshot>(data, MetadataCommand.JsonOptions, "metadata snapshot");
        MetadataJson.Check(snapshot.Record, "metadata snapshot");
        AppliedIndex = snapshot.AppliedIndex;
        Volatile.Write(ref _current, snapshot.Record);
        Changed?.Invoke(snapshot.Record);
    }

    private sealed record MetadataSnapshot(ulong AppliedIndex, ClusterRecord Record);
}

/// <summary>How each metadata command changes the record: pure, so every replica computes the same record.</summary>
public static class MetadataRules
{
    /// <summary>Operator requests remembered for deduplication; a request re-proposed after this many others applies again.</summary>
    public const int MaxRememberedRequests = 1000;

    /// <summary>Applies <paramref name="command"/>, at most once per operator request (<see cref="MetadataCommand.Session"/>).</summary>
    public static (ClusterRecord Next, AddMemberResult? Result) Apply(ClusterRecord current, MetadataCommand command)
    {
        if (command.Session is not { } session || !current.IsBootstrapped) return ApplyOnce(current, command);
        if (current.AppliedRequests.Find(r => r.ClientId == session.ClientId && r.Sequence == session.Sequence) is { } seen) return (current, seen.Result);
        var (next, result) = ApplyOnce(current, command);
        var requests = next.AppliedRequests.Add(new AppliedRequest(session.ClientId, session.Sequence, result));
        if (requests.Count > MaxRememberedRequests) requests = requests.RemoveAt(0);
        return (next with { AppliedRequests = requests }, result);
    }

    private static (ClusterRecord Next, AddMemberResult? Result) ApplyOnce(ClusterRecord current, MetadataCommand command) => command switch
    {
        BootstrapCommand b => (current.IsBootstrapped ? current : b.Record, null),
        _ when !current.IsBootstrapped => (current, null),
        PublishMemberCommand p when current.Members.TryGetValue(p.Id, out var member) && member.RestUrl != p.RestUrl =>
            (current with { Members = current.Members.SetItem(p.Id, member with { RestUrl = p.RestUrl }) }, null),
        AddMemberCommand a => AddMember(current, a),
        AdmitWithJoinTokenCommand t => JoinTokenRules.Apply(current, t),
        ActivateMemberCommand a when current.Members.TryGetValue(a.Id, out var member) && member.State == MemberState.Joining =>
            (current with { Members = current.Members.SetItem(a.Id, member with { State = MemberState.Active }) }, null),
        // Checked here as well as by the endpoint: two drains proposed at once each passed the endpoint's check.
        DrainMemberCommand d when current.Members.TryGetValue(d.Id, out var member) && member.State != MemberState.Leaving
            && current.Members.Values.Count(m => m.Id != d.Id && m.State != MemberState.Leaving) >= current.ReplicationFactor =>
            (current with { Members = current.Members.SetItem(d.Id, member with { State = MemberState.Leaving }) }, null),
        RemoveMemberCommand r when current.Members.ContainsKey(r.Id) => (Remove(current, r.Id), null),
        PlanCommand p when p.Revision == current.Revision => (current with { Targets = p.Targets, PreferredLeaders = p.PreferredLeaders }, null),
        ReplicasChangedCommand c => (ReplicasChanged(current, c), null),
        PreferLeaderCommand l when current.Members.ContainsKey(l.Member) && current.Placement.ContainsKey(l.Shard)
            && current.PreferredLeaders.GetValueOrDefault(l.Shard) != l.Member =>
            (current with { PreferredLeaders = current.PreferredLeaders.SetItem(l.Shard, l.Member) }, null),
        SetDownCommand d when !d.Down.Intersect(current.Members.Keys).SetEquals(current.DownMembers) =>
            (current with { DownMembers = d.Down.Intersect(current.Members.Keys) }, null),
        RevokeApiKeysCommand r when !r.KeyIds.IsSubsetOf(current.RevokedKeyIds) =>
            (current with { RevokedKeyIds = current.RevokedKeyIds.Union(r.KeyIds) }, null),
        _ => (current, null),
    };

    private static (ClusterRecord, AddMemberResult?) AddMember(ClusterRecord current, AddMemberCommand add)
    {
        if (current.Members.Values.FirstOrDefault(m => m.PeerAddress == add.PeerAddress) is { } existing)
        {
            return existing.Id == add.RequestedId || add.RequestedId == 0
                ? (current, new AddMemberResult(existing.Id, null))
                : (current, new AddMemberResult(0, $"peer address {add.PeerAddress} already belongs to member {existing.Id}"));
        }
        var id = add.RequestedId == 0 ? current.NextMemberId : add.RequestedId;
        if (current.Members.ContainsKey(id)) return (current, new AddMemberResult(0, $"id {id} is in use by another member"));
        if (current.RemovedIds.Contains(id)) return (current, new AddMemberResult(0, $"id {id} belonged to a removed member; ids are never reused"));
        var member = new MemberInfo(id, add.PeerAddress, add.RestUrl, MemberState.Joining);
        return (current with { Members = current.Members.Add(id, member) }, new AddMemberResult(id, null));
    }

    private static ClusterRecord Remove(ClusterRecord current, ulong id) => current with
    {
        Members = current.Members.Remove(id),
        DownMembers = current.DownMembers.Remove(id),
        RemovedIds = current.RemovedIds.Add(id),
        PreferredLeaders = current.PreferredLeaders.RemoveRange(current.PreferredLeaders.Where(p => p.Value == id).Select(p => p.Key)),
    };

    private static ClusterRecord ReplicasChanged(ClusterRecord current, ReplicasChangedCommand changed)
    {
        if (!current.Placement.ContainsKey(changed.Shard)) return current;
        if (current.PlacementIndexes.TryGetValue(changed.Shard, out var known) && changed.ConfIndex <= known) return current;
        var replicas = changed.Replicas.Order().ToImmutableArray();
        var targets = current.Targets.TryGetValue(changed.Shard, out var target) && target.Order().SequenceEqual(replicas)
            ? current.Targets.Remove(changed.Shard)
            : current.Targets;
        return current with
        {
            Placement = current.Placement.SetItem(changed.Shard, replicas),
            PlacementIndexes = current.PlacementIndexes.SetItem(changed.Shard, changed.ConfIndex),
            Targets = targets,
        };
    }
}
