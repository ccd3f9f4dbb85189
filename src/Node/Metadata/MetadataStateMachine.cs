// Copyright (c) RaftCache contributors. Licensed under the MIT License.

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

    public void Apply(ulong index, ReadOnlySpan<byte> data)
    {
        var command = MetadataCommand.Decode(data);
        var next = command switch
        {
            BootstrapCommand b when !_current.IsBootstrapped => b.Record,
            PublishMemberCommand p when _current.Members.TryGetValue(p.Id, out var member) =>
                _current with { Members = _current.Members.SetItem(p.Id, member with { RestUrl = p.RestUrl }) },
            _ => _current,
        };
        AppliedIndex = index;
        if (!ReferenceEquals(next, _current))
        {
            Volatile.Write(ref _current, next);
            Changed?.Invoke(next);
        }
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
