// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Simulation.Checker;

/// <summary>
/// Hand-written histories on one key, each small enough to verify by eye. Versions count every write
/// (deletes included), so the n-th successful write produces version n.
/// </summary>
public sealed class CheckerHandWrittenTests
{
    [Fact]
    public void Sequential_writes_and_reads_are_linearizable()
    {
        var result = H.Check(
            H.Put(1, "a", 0, 1), H.Get(2, "a", 1, 2, 3), H.Cas(1, 1, "b", true, 4, 5),
            H.Get(2, "b", 2, 6, 7), H.Delete(1, 8, 9), H.Get(2, null, 3, 10, 11),
            H.PutIfAbsent(1, "c", true, 12, 13), H.PutIfAbsent(2, "d", false, 14, 15), H.Get(1, "c", 4, 16, 17));
        Assert.True(result.IsLinearizable, result.ToString());
        Assert.Equal(9, result.OperationsChecked);
    }

    [Fact]
    public void Concurrent_read_may_see_either_side_of_an_overlapping_write()
    {
        Assert.True(H.Check(H.Put(1, "a", 0, 1), H.Put(1, "b", 2, 10), H.Get(2, "a", 1, 3, 4)).IsLinearizable);
        Assert.True(H.Check(H.Put(1, "a", 0, 1), H.Put(1, "b", 2, 10), H.Get(2, "b", 2, 3, 4)).IsLinearizable);
    }

    [Fact]
    public void Stale_read_after_an_acknowledged_overwrite_is_rejected()
    {
        var result = H.Check(H.Put(1, "a", 0, 1), H.Put(1, "b", 2, 3), H.Get(2, "a", 1, 4, 5));
        Assert.False(result.IsLinearizable);
        Assert.Equal(H.Key, result.Key);
        Assert.Contains("cannot be placed", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Acknowledged_write_missing_from_a_later_read_is_rejected()
    {
        Assert.False(H.Check(H.Put(1, "a", 0, 1), H.Get(2, null, 0, 2, 3)).IsLinearizable);
    }

    [Fact]
    public void Value_never_written_is_rejected()
    {
        Assert.False(H.Check(H.Put(1, "a", 0, 1), H.Get(2, "zzz", 1, 2, 3)).IsLinearizable);
    }

    [Fact]
    public void Value_reappearing_after_it_was_overwritten_is_rejected()
    {
        var result = H.Check(
            H.Put(1, "a", 0, 1), H.Put(1, "b", 2, 3), H.Get(2, "b", 2, 4, 5), H.Get(3, "a", 1, 6, 7));
        Assert.False(result.IsLinearizable);
    }

    [Fact]
    public void Unknown_write_may_take_effect_late_but_cannot_be_seen_then_unseen()
    {
        // An indeterminate write stays open forever: it may be seen long after it was issued...
        Assert.True(H.Check(H.Put(1, "a", 0, 1), H.UnknownPut(2, "x", 2), H.Get(3, "a", 1, 5, 6), H.Get(3, "x", 2, 50, 51)).IsLinearizable);

        // ...or never; but once seen it cannot disappear again.
        Assert.True(H.Check(H.Put(1, "a", 0, 1), H.UnknownPut(2, "x", 2), H.Get(3, "a", 1, 50, 51)).IsLinearizable);
        Assert.False(H.Check(H.Put(1, "a", 0, 1), H.UnknownPut(2, "x", 2), H.Get(3, "x", 2, 5, 6), H.Get(3, "a", 1, 7, 8)).IsLinearizable);
    }

    [Fact]
    public void Failed_write_is_treated_as_never_applied()
    {
        Assert.True(H.Check(H.Put(1, "a", 0, 1), H.FailedPut(2, "x", 2, 3), H.Get(3, "a", 1, 4, 5)).IsLinearizable);
        Assert.False(H.Check(H.Put(1, "a", 0, 1), H.FailedPut(2, "x", 2, 3), H.Get(3, "x", 2, 4, 5)).IsLinearizable);
    }

    [Fact]
    public void Cas_succeeding_on_a_wrong_version_is_rejected()
    {
        Assert.False(H.Check(H.Put(1, "a", 0, 1), H.Put(1, "b", 2, 3), H.Cas(2, 1, "c", true, 4, 5)).IsLinearizable);
        Assert.True(H.Check(H.Put(1, "a", 0, 1), H.Put(1, "b", 2, 3), H.Cas(2, 1, "c", false, 4, 5)).IsLinearizable);
    }

    [Fact]
    public void Cas_failing_on_the_right_version_is_rejected()
    {
        Assert.False(H.Check(H.Put(1, "a", 0, 1), H.Cas(2, 1, "c", false, 2, 3)).IsLinearizable);
    }

    [Fact]
    public void Put_if_absent_succeeding_on_a_present_key_is_rejected()
    {
        Assert.False(H.Check(H.Put(1, "a", 0, 1), H.PutIfAbsent(2, "c", true, 2, 3)).IsLinearizable);
        Assert.True(H.Check(H.Put(1, "a", 0, 1), H.Delete(1, 2, 3), H.PutIfAbsent(2, "c", true, 4, 5), H.Get(1, "c", 3, 6, 7)).IsLinearizable);
    }

    [Fact]
    public void Read_of_a_wrong_version_is_rejected_even_with_the_right_value()
    {
        Assert.False(H.Check(H.Put(1, "a", 0, 1), H.Get(2, "a", 2, 2, 3)).IsLinearizable);
    }

    [Fact]
    public void Concurrent_cas_race_has_exactly_one_winner()
    {
        // Two Cas on version 1 overlap: one may win, not both.
        Assert.True(H.Check(H.Put(1, "a", 0, 1), H.Cas(2, 1, "b", true, 2, 6), H.Cas(3, 1, "c", false, 3, 5)).IsLinearizable);
        Assert.False(H.Check(H.Put(1, "a", 0, 1), H.Cas(2, 1, "b", true, 2, 6), H.Cas(3, 1, "c", true, 3, 5)).IsLinearizable);
    }

    [Fact]
    public void Keys_are_checked_independently_and_the_failing_key_is_named()
    {
        var ops = new[]
        {
            H.Put(1, "a", 0, 1), H.Get(2, "a", 1, 2, 3),
            H.Put(1, "b", 0, 1) with { Key = "other" }, H.Get(2, null, 0, 2, 3) with { Key = "other" },
        };
        var result = RaftCache.Checker.LinearizabilityChecker.Check(ops);
        Assert.False(result.IsLinearizable);
        Assert.Equal("other", result.Key);
    }
}
