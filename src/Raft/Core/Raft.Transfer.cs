// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

internal sealed partial class Raft
{
    /// <summary>
    /// Leadership transfer (Raft thesis §3.10): stop accepting proposals, bring the transferee's log up to
    /// date, then tell it to campaign at once with TimeoutNow. Aborted after an election timeout and on
    /// every role change (pitfall 15), so a lost transfer never wedges the group.
    /// </summary>
    private void HandleTransferLeader(Message m)
    {
        var transferee = m.From;
        var pr = Tracker.Get(transferee);
        if (pr is null || pr.IsLearner)
        {
            _logger.Info($"{Who} ignored transfer to {transferee}: not a voter");
            return;
        }

        if (LeadTransferee != 0)
        {
            if (LeadTransferee == transferee) return;
            AbortLeaderTransfer();
        }

        if (transferee == Id) return;
        _electionElapsed = 0;
        LeadTransferee = transferee;
        TransferStartedAsLeader = true;
        _logger.Info($"{Who} starts transferring leadership to {transferee}");
        if (pr.Match == Log.LastIndex) SendTimeoutNow(transferee);
        else MaybeSendAppend(transferee, sendIfEmpty: true);
    }

    /// <summary>
    /// True once this leadership started a transfer, even one abandoned since: its TimeoutNow may still arrive and
    /// the transferee is then elected at once, ignoring every lease, so this leader can promise no lease any more.
    /// </summary>
    public bool TransferStartedAsLeader { get; private set; }

    private void SendTimeoutNow(ulong to) => Send(new Message { Type = MessageType.TimeoutNow, To = to });

    private void AbortLeaderTransfer() => LeadTransferee = 0;

    /// <summary>Local request: hand leadership to <paramref name="transferee"/> (forwarded to the leader by followers).</summary>
    public void TransferLeadership(ulong transferee)
    {
        Wake();
        var m = new Message { Type = MessageType.TransferLeader, From = transferee, To = Id };
        if (State == RaftRole.Leader) HandleTransferLeader(m);
        else if (State == RaftRole.Follower && Lead != 0 && transferee != Lead) Send(m with { To = Lead });
    }
}
