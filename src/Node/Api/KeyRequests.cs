// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using Microsoft.Extensions.Options;
using RaftCache.Node.Configuration;
using RaftCache.Node.Requests;
using RaftCache.StateMachine;

namespace RaftCache.Node.Api;

/// <summary>
/// What the key endpoints (/keys, /cache) share: the request deadline (one shared timer per slice, not one per
/// request), the write's session (the gateway's, when it numbered the write, or a new one of this node), and the
/// mapping of typed outcomes to the replies of API.md.
/// </summary>
public sealed class KeyRequests(ICacheCluster cluster, IOptions<NodeOptions> options, TimeProvider time)
{
    private readonly SharedDeadline _deadline = new(time, TimeSpan.FromMilliseconds(options.Value.RequestTimeoutMs), TimeSpan.FromMilliseconds(50));

    public ICacheCluster Cluster => cluster;

    public NodeOptions Options => options.Value;

    public long NowMs => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Runs a write under one session across every attempt, closed when it is answered (unless the gateway owns it).</summary>
    public async Task<WriteOutcome> WriteAsync(HttpContext http, int shard, Func<ClientSession, byte[]> encode)
    {
        var given = LeaderForwarder.TryParseSession(http.Request.Headers[LeaderForwarder.SessionHeader], out var gateway);
        var session = given ? gateway : cluster.NewSession();
        try
        {
            var outcome = await cluster.WriteAsync(shard, encode(session), _deadline.Next());
            if (outcome.Forwarded) Observability.RequestMetrics.MarkForwarded(http, shard);
            return outcome;
        }
        finally
        {
            if (!given) cluster.CompleteSession(session);
        }
    }

    public ValueTask<ReadOutcome> ReadAsync(HttpContext http, int shard, byte[] key, ReadConsistency consistency)
    {
        var read = cluster.ReadAsync(shard, key, consistency, _deadline.Next());
        // A read answered here at once (a local or lease read on this replica) is passed on as it is: no task.
        return read.IsCompletedSuccessfully && !read.Result.Forwarded ? read : MarkedAsync(http, shard, read);
    }

    private static async ValueTask<ReadOutcome> MarkedAsync(HttpContext http, int shard, ValueTask<ReadOutcome> read)
    {
        var outcome = await read;
        if (outcome.Forwarded) Observability.RequestMetrics.MarkForwarded(http, shard);
        return outcome;
    }

    /// <summary>The reply to a write: <paramref name="applied"/> when it took effect, the matching problem otherwise.</summary>
    public static IResult WriteResult(in WriteOutcome outcome, Func<IResult> applied) => outcome.Fate switch
    {
        WriteFate.Applied => outcome.Result.Status switch
        {
            ApplyStatus.Applied => applied(),
            ApplyStatus.PreconditionFailed => Problems.PreconditionFailed(outcome.Result.Version),
            ApplyStatus.RefusedMemoryLimit => Problems.InsufficientStorage("The value does not fit under the shard's memory limit, even after evicting."),
            var other => Problems.BadRequest($"The command was refused: {other}."),
        },
        WriteFate.MayHaveApplied => Problems.Unavailable(outcome.Detail ?? "The write may or may not have been applied.", mayHaveApplied: true),
        _ => Problems.Unavailable(outcome.Detail ?? "The write was not applied.", mayHaveApplied: false),
    };

    public static IResult Unavailable(in ReadOutcome outcome) =>
        Problems.Unavailable(outcome.Detail ?? "No leader confirmed this read within the request timeout.", mayHaveApplied: false);
}
