// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Components;

public sealed class InflightsAndProgressTests
{
    [Fact]
    public void Inflights_fill_up_by_count_and_free_acknowledged_messages_in_order()
    {
        var inflights = new Inflights(3, 0);
        inflights.Add(5, 10);
        inflights.Add(8, 10);
        Assert.False(inflights.Full);
        inflights.Add(9, 10);
        Assert.True(inflights.Full);
        Assert.Throws<RaftInvariantException>(() => inflights.Add(10, 1));
        inflights.FreeLE(8);
        Assert.Equal(1, inflights.Count);
        Assert.Equal(10, inflights.Bytes);
        Assert.False(inflights.Full);
    }

    [Fact]
    public void Inflights_fill_up_by_bytes()
    {
        var inflights = new Inflights(100, 1000);
        inflights.Add(1, 600);
        Assert.False(inflights.Full);
        inflights.Add(2, 400);
        Assert.True(inflights.Full);
        inflights.FreeLE(1);
        Assert.False(inflights.Full);
        inflights.Reset();
        Assert.Equal(0, inflights.Count);
        Assert.Equal(0, inflights.Bytes);
    }

    [Fact]
    public void Inflight_indexes_must_increase()
    {
        var inflights = new Inflights(10, 0);
        inflights.Add(5, 1);
        Assert.Throws<RaftInvariantException>(() => inflights.Add(5, 1));
    }

    private static Progress NewProgress(ulong next = 10) => new(next, new Inflights(2, 0), false, 1);

    [Fact]
    public void A_probe_sends_one_message_and_pauses_until_an_answer()
    {
        var pr = NewProgress();
        Assert.False(pr.IsPaused);
        pr.SentEntries(3, 30);
        Assert.True(pr.IsPaused);
        Assert.Equal(10UL, pr.Next); // probing does not advance Next optimistically
        Assert.True(pr.MaybeUpdate(12));
        Assert.False(pr.IsPaused);
        Assert.Equal(13UL, pr.Next);
    }

    [Fact]
    public void Replicate_pipelines_until_the_inflight_window_is_full()
    {
        var pr = NewProgress();
        pr.MaybeUpdate(9);
        pr.BecomeReplicate();
        Assert.Equal(10UL, pr.Next);
        pr.SentEntries(2, 20);
        Assert.Equal(12UL, pr.Next);
        Assert.False(pr.IsPaused);
        pr.SentEntries(1, 10);
        Assert.True(pr.IsPaused);
        pr.Inflights.FreeLE(11);
        pr.MaybeUpdate(11);
        Assert.False(pr.IsPaused);
    }

    [Fact]
    public void A_rejection_in_replicate_restarts_from_the_match_and_stale_rejections_are_ignored()
    {
        var pr = NewProgress();
        pr.MaybeUpdate(9);
        pr.BecomeReplicate();
        pr.SentEntries(5, 50);
        Assert.False(pr.MaybeDecrTo(8, 8)); // at or below match: stale
        Assert.True(pr.MaybeDecrTo(12, 10));
        Assert.Equal(10UL, pr.Next);
    }

    [Fact]
    public void A_rejection_in_probe_uses_the_hint_but_never_goes_below_match()
    {
        var pr = NewProgress(20);
        pr.MaybeUpdate(3);
        pr.Next = 20;
        Assert.False(pr.MaybeDecrTo(15, 5)); // not the probe we sent (Next - 1 = 19)
        Assert.True(pr.MaybeDecrTo(19, 7));
        Assert.Equal(8UL, pr.Next);
        pr.Next = 8;
        Assert.True(pr.MaybeDecrTo(7, 0));
        Assert.Equal(4UL, pr.Next); // match + 1
    }

    [Fact]
    public void After_a_snapshot_probing_resumes_just_past_it()
    {
        var pr = NewProgress();
        pr.BecomeSnapshot(50);
        Assert.True(pr.IsPaused);
        Assert.Equal(51UL, pr.Next);
        pr.BecomeProbe();
        Assert.Equal(51UL, pr.Next);
        Assert.Equal(ProgressState.Probe, pr.State);
    }
}
