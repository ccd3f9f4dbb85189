// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;

namespace RaftCache.Chaos;

/// <summary>
/// Membership changes as nemesis actions: one change at a time, carried one request further per step, so faults
/// keep coming while a joiner is admitted or a member drains. Membership zigzags between 3 (the replication factor)
/// and 5 (the address slots): it grows until 5 members, then shrinks until 3, and so on (3 -> 4 -> 5 -> 4 -> 3 from
/// 3 founders; 5 -> 4 -> 3 -> 4 -> 5 from 5, a joiner reusing a removed member's slot). A removal picks any
/// member, founder or joiner, half the time the metadata group's leader. A request answered 409/502/503/504 or not
/// at all is logged and retried at the next step; after healing <see cref="FinishAsync"/> must complete the change in progress (bounded).
/// </summary>
public sealed partial class Nemesis
{
    private const int MinMembers = 3;

    /// <summary>The node program's exit code for "removed from the cluster" (docs/operations.md).</summary>
    private const int RemovedExitCode = 3;

    private static readonly TimeSpan RemovedExitWithin = TimeSpan.FromSeconds(30);
    private bool _healed;
    private readonly List<string> _problems = [];
    private Change? _change;
    private bool _shrinking;

    /// <summary>The member whose removal is in progress (0 when none): it may stop by itself at any time.</summary>
    private int Leaving => _change is { Growing: false } change ? change.Node : 0;

    /// <summary>Membership changes completed (admitted, or removed and retired).</summary>
    public int Reconfigurations { get; private set; }

    /// <summary>Answers no fault explains (e.g. a 400 or 500 to a membership request): each one fails the run.</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>Scenario R: a membership step, then one fault (a kill, a pause, a partition, a leader transfer).</summary>
    private async Task ReconfigureAsync()
    {
        await MembershipStepAsync();
        await Hold(0.5, 1.0);
        switch (_random.Next(7))
        {
            case 0: await KillOneAsync(leader: false); break;
            case 1: await KillOneAsync(leader: true); break;
            case 2: await PauseLeaderAsync(); break;
            case 3 or 4: await PartitionAsync(); break;
            case 5:
                Faults++;
                await TransferAsync(avoid: 0);
                break;
            default: await KillMajorityAsync(); break;
        }
    }

    /// <summary>Carries the change in progress one request further, or starts the next one.</summary>
    private async Task MembershipStepAsync()
    {
        _change ??= await BeginChangeAsync();
        if (_change is not null) await AdvanceAsync(_change);
    }

    private async Task<Change?> BeginChangeAsync()
    {
        var members = cluster.Members;
        var free = cluster.FreeSlot();
        if (members.Count <= MinMembers) _shrinking = false;
        if (free == 0) _shrinking = true;
        if (!_shrinking)
        {
            var via = LiveMember();
            if (via == 0) return null;
            var since = clock.Elapsed;
            Note($"membership: start joiner n{free} ({ChaosCluster.Address(free)}) with --join n{via}, {members.Count} members");
            await cluster.StartJoinerAsync(free, via, TimeSpan.FromSeconds(30));
            return new Change(Growing: true, free, 0, since);
        }

        // Half the removals take the metadata group's leader: its own removal must hand the group over.
        var victim = members[_random.Next(members.Count)];
        var metadataLeader = 0;
        if (_random.Next(2) == 0 && LiveMember() is var asking and > 0 && await cluster.MetadataLeaderAsync(asking) is var leader and > 0)
            victim = metadataLeader = leader;
        var id = cluster.IdOf(victim);
        Note($"membership: remove n{victim} (member {id}, {(id <= (ulong)cluster.NodeCount ? "founder" : "joiner")}{(metadataLeader > 0 ? ", the metadata leader" : "")}), {members.Count} members");
        return new Change(Growing: false, victim, id, clock.Elapsed);
    }

    private async Task AdvanceAsync(Change change)
    {
        var via = LiveMember(avoid: change.Growing ? 0 : change.Node);
        if (via == 0) return;
        if (change.Growing)
        {
            var answer = await cluster.AdmitAsync(change.Node, via);
            Note($"membership: POST /admin/members {ChaosCluster.RestUrl(change.Node)} via n{via}: {answer}");
            Expect(answer, 202);
            if (answer.Status == 202) Done(change, $"n{change.Node} admitted as member {cluster.IdOf(change.Node)}");
        }
        else if (!change.Accepted)
        {
            var answer = await cluster.RemoveMemberAsync(change.Id, via);
            Note($"membership: DELETE /admin/members/{change.Id} via n{via}: {answer}");
            Expect(answer, 202, 404);
            if (answer.Status is 202 or 404) change.Accepted = true; // 404: an earlier DELETE whose answer was lost completed it
        }
        else if (await cluster.IsRemovedAsync(change.Id, via) == true)
        {
            if (_healed) await ExpectExitedAsRemovedAsync(change);
            await cluster.RetireAsync(change.Node);
            Done(change, $"member {change.Id} removed (seen by n{via}); n{change.Node} stopped, slot free");
        }
    }

    /// <summary>
    /// After healing: completes the change in progress, retrying refused requests, within <paramref name="within"/>.
    /// A change that does not complete on the healed cluster is a failure (a 5xx storm that never resolves, a stuck drain).
    /// </summary>
    public async Task<IReadOnlyList<string>> FinishAsync(TimeSpan within)
    {
        _healed = true;
        var finish = Stopwatch.StartNew();
        while (_change is { } change && finish.Elapsed < within)
        {
            await AdvanceAsync(change);
            if (_change is not null) await Task.Delay(500); // retry interval of a bounded wait
        }

        if (_change is { } stuck)
        {
            _problems.Add($"membership change did not complete within {within.TotalSeconds:F0} s of healing: " +
                $"{(stuck.Growing ? "admitting" : stuck.Accepted ? "draining" : "removing")} n{stuck.Node} (member {stuck.Id}), started at {stuck.Since.TotalSeconds:F1} s");
        }

        return _problems;
    }

    /// <summary>
    /// On the healed cluster a removed member learns it was removed (from its own metadata, or from a peer's
    /// refusal) and exits by itself with the documented exit code 3: checked (bounded) before it is retired.
    /// </summary>
    private async Task ExpectExitedAsRemovedAsync(Change change)
    {
        var clock = Stopwatch.StartNew();
        int? code;
        while ((code = await cluster.ExitCodeAsync(change.Node)) is null && clock.Elapsed < RemovedExitWithin)
            await Task.Delay(250); // polling interval of a bounded wait
        Note($"membership: removed n{change.Node} (member {change.Id}) {(code is null ? "still running" : $"exited with code {code}")} after {clock.Elapsed.TotalSeconds:F1} s");
        if (code != RemovedExitCode)
            _problems.Add($"removed member {change.Id} (n{change.Node}) did not exit with code {RemovedExitCode} within {RemovedExitWithin.TotalSeconds:F0} s of healing: {(code is null ? "still running" : $"exit code {code}")}");
    }

    private void Done(Change change, string what)
    {
        Reconfigurations++;
        _change = null;
        Note($"membership: {what} after {(clock.Elapsed - change.Since).TotalSeconds:F1} s; members now {string.Join(", ", cluster.Members.Select(m => $"n{m}=member {cluster.IdOf(m)}"))}");
    }

    /// <summary>Records an answer that no fault explains: anything but the expected codes, 409/502/503/504 or no answer.</summary>
    private void Expect(ChaosCluster.AdminAnswer answer, params int[] expected)
    {
        if (expected.Contains(answer.Status) || answer.Status is 0 or 409 or 502 or 503 or 504) return;
        _problems.Add($"membership request answered {answer} at {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>A membership change in progress; Id is the member's (0 for a joiner until admitted).</summary>
    private sealed record Change(bool Growing, int Node, ulong Id, TimeSpan Since)
    {
        public bool Accepted { get; set; }
    }
}
