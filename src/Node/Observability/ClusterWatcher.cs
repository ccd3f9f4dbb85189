// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text.Json;
using RaftCache.Node.Api;
using RaftCache.Node.Hosting;

namespace RaftCache.Node.Observability;

/// <summary>
/// Watches what this node knows of the cluster (members and their states, the leader of each shard it holds a
/// replica of, shard moves) every <see cref="Interval"/> and publishes each change as an event: membership,
/// down, up, leader, move. Polling state the node already keeps leaves the host loop untouched. While nothing
/// changes the looks space out, doubling up to <see cref="IdleInterval"/>, so an idle node wakes for it once a
/// second rather than four times; the first change seen brings the interval back to <see cref="Interval"/>.
/// </summary>
public sealed class ClusterWatcher(CacheNode node, EventHub hub) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest interval between two looks, reached after a few looks that saw no change.</summary>
    public static readonly TimeSpan IdleInterval = TimeSpan.FromSeconds(1);

    private ClusterState _last = ClusterState.Empty;

    /// <summary>The state as last observed, for a new subscriber's hello event.</summary>
    public ClusterState Current => Volatile.Read(ref _last);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            var period = Observe() ? Interval : TimeSpan.FromTicks(Math.Min(timer.Period.Ticks * 2, IdleInterval.Ticks));
            if (period != timer.Period) timer.Period = period;
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Takes the state now and publishes what changed since the last look; true when anything did.</summary>
    public bool Observe()
    {
        var published = 0;
        void Publish(string name, string data)
        {
            hub.Publish(name, data);
            published++;
        }

        var next = ClusterState.Of(node);
        var last = _last;
        foreach (var (id, member) in next.Members)
        {
            last.Members.TryGetValue(id, out var before);
            if (before?.State == member.State) continue;
            var name = member.State == "down" ? "down" : before?.State == "down" ? "up" : "membership";
            Publish(name, Json(new { member = id, state = member.State, previous = before?.State, address = member.Address }));
        }
        foreach (var id in last.Members.Keys.Where(id => !next.Members.ContainsKey(id)))
            Publish("membership", Json(new { member = id, state = "removed", previous = last.Members[id].State, address = last.Members[id].Address }));
        foreach (var (shard, leader) in next.Leaders)
        {
            if (last.Leaders.TryGetValue(shard, out var before) && before == leader) continue;
            Publish("leader", Json(new { shard, leader, previous = last.Leaders.TryGetValue(shard, out var b) ? b : (ulong?)null }));
        }
        foreach (var (shard, move) in next.Moves)
        {
            if (last.Moves.TryGetValue(shard, out var before) && before.To.SequenceEqual(move.To)) continue;
            Publish("move", Json(new { shard, status = "started", from = move.From, to = move.To }));
        }
        foreach (var (shard, move) in last.Moves.Where(m => !next.Moves.ContainsKey(m.Key)))
            Publish("move", Json(new { shard, status = "finished", from = move.From, to = move.To }));
        Volatile.Write(ref _last, next);
        return published > 0;
    }

    internal static string Json(object value) => JsonSerializer.Serialize(value);
}

/// <summary>What the watcher compares between looks.</summary>
public sealed record ClusterState(
    IReadOnlyDictionary<ulong, MemberState> Members,
    IReadOnlyDictionary<ulong, ulong> Leaders,
    IReadOnlyDictionary<int, MoveState> Moves)
{
    public static ClusterState Empty { get; } = new(new Dictionary<ulong, MemberState>(), new Dictionary<ulong, ulong>(), new Dictionary<int, MoveState>());

    public static ClusterState Of(CacheNode node)
    {
        if (!node.IsMember) return Empty;
        var record = node.Cluster;
        return new ClusterState(
            record.Members.Values.ToDictionary(m => m.Id, m => new MemberState(MembersEndpoints.StateOf(node, m), m.RestUrl)),
            node.KnownLeaders(),
            record.Targets.ToDictionary(t => t.Key, t => new MoveState(record.Placement.GetValueOrDefault(t.Key, []).ToArray(), t.Value.ToArray())));
    }
}

public sealed record MemberState(string State, string? Address);

public sealed record MoveState(ulong[] From, ulong[] To);
