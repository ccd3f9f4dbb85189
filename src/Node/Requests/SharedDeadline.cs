// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Requests;

/// <summary>
/// One request timeout shared by every request that starts within the same short slice of time: a single timer
/// per slice instead of a timer and a linked token source per request. A request's token fires between
/// <c>timeout</c> and <c>timeout + slice</c> after it started.
/// </summary>
public sealed class SharedDeadline(TimeProvider time, TimeSpan timeout, TimeSpan slice)
{
    private readonly Lock _gate = new();
    private Slice? _current;

    public TimeSpan Timeout => timeout;

    /// <summary>The token of the current slice: cancelled once the timeout passed for every request started in it.</summary>
    public CancellationToken Next()
    {
        var now = time.GetTimestamp();
        if (Volatile.Read(ref _current) is { } current && now < current.EndsAt) return current.Source.Token;
        lock (_gate)
        {
            if (_current is null || now >= _current.EndsAt)
            {
                // Never disposed: requests of the slice still hold its token; it cancels itself once, and its timer goes with it.
                var source = new CancellationTokenSource(timeout + slice, time);
                Volatile.Write(ref _current, new Slice(source, now + (long)(slice.TotalSeconds * time.TimestampFrequency)));
            }
            return _current!.Source.Token;
        }
    }

    private sealed record Slice(CancellationTokenSource Source, long EndsAt);
}
