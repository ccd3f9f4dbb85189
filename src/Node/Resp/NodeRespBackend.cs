// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.Extensions.Options;
using RaftCache.Node.Requests;
using RaftCache.Node.Configuration;
using RaftCache.Node.Hosting;
using RaftCache.Node.Security;
using RaftCache.Resp;
using RaftCache.StateMachine;

namespace RaftCache.Node.Resp;

/// <summary>
/// The node as the RESP front end sees it: the one place that turns RESP's writes and reads into
/// <see cref="ICacheCluster"/> calls, exactly as REST does: the cluster serves or forwards them (one session across
/// all attempts, so a write retried or re-forwarded applies at most once) until the request timeout.
/// </summary>
public sealed partial class NodeRespBackend(
    ICacheCluster cluster,
    CacheNode node,
    RespForwarder forwarder,
    ApiKeyStore keys,
    AuthFailureLimiter failures,
    SecurityOptions security,
    IOptions<NodeOptions> options,
    TimeProvider time,
    Observability.RequestMetrics requests) : IRespBackend
{
    private readonly SharedDeadline _deadline = new(time, TimeSpan.FromMilliseconds(options.Value.RequestTimeoutMs), TimeSpan.FromMilliseconds(50));

    public bool AuthEnabled => !security.NoAuth;

    public long NowMs => time.GetUtcNow().ToUnixTimeMilliseconds();

    public ulong NodeId => node.NodeId;

    public RespCaller? Authenticate(string key) =>
        keys.Find(key) is { } identity ? new RespCaller(identity.Name, identity.Role, key) : null;

    public int CredentialsGeneration => keys.Generation;

    // RESP commands are counted beside REST routes: api "resp", the command as the route, status 200 or (an error
    // reply) 400, so one histogram shows what clients of both protocols get.
    public void RecordCommand(string command, bool failed, double seconds) =>
        requests.Record("resp", command, "RESP", failed ? 400 : 200, forwarded: false, seconds);

    public bool IsCurrent(RespCaller caller) => caller.ApiKey is { } key && keys.Find(key) is not null;

    public bool IsAuthBlocked(IPAddress? address) => failures.IsBlocked(address, out _);

    public void RecordAuthFailure(IPAddress? address) => failures.RecordFailure(address);

    public int ShardOfKey(ReadOnlySpan<byte> key) => cluster.ShardOfKey(key);

    public async Task<RespWriteResult> WriteAsync(int shard, Func<ClientSession, long, byte[]> encode, RespCaller caller, CancellationToken cancellationToken)
    {
        var session = cluster.NewSession();
        try
        {
            return ToResp(await cluster.WriteAsync(shard, encode(session, NowMs), _deadline.Next()));
        }
        finally
        {
            cluster.CompleteSession(session);
        }
    }

    /// <summary>The answer for the client: the state machine's result, or why there is none.</summary>
    internal static RespWriteResult ToResp(in WriteOutcome outcome) => outcome.Fate switch
    {
        WriteFate.Applied => new RespWriteResult(outcome.Result.Status switch
        {
            ApplyStatus.Applied => RespWriteStatus.Applied,
            ApplyStatus.PreconditionFailed => RespWriteStatus.PreconditionFailed,
            ApplyStatus.RefusedMemoryLimit => RespWriteStatus.MemoryLimit,
            _ => RespWriteStatus.Rejected,
        }, outcome.Result),
        WriteFate.MayHaveApplied => new RespWriteResult(RespWriteStatus.Indeterminate, default),
        _ => new RespWriteResult(RespWriteStatus.Unavailable, default),
    };

    public async Task<RespReadResult> ReadAsync(int shard, byte[] key, RespConsistency consistency, RespCaller caller, CancellationToken cancellationToken)
    {
        // The rest is RESP's own reply code, short and never blocking: it may run where the read is confirmed.
        var outcome = await cluster.ReadAsync(shard, key, (ReadConsistency)(int)consistency, _deadline.Next(), continueInline: true);
        if (outcome.Fate == ReadFate.NotFound) return new RespReadResult(RespReadStatus.NotFound, null);
        if (outcome.Fate != ReadFate.Found) return new RespReadResult(RespReadStatus.Unavailable, null);
        var entry = outcome.Entry;
        return new RespReadResult(RespReadStatus.Found, new RespEntry(entry.Value, entry.ContentType, entry.Version, entry.ExpiresAtMs));
    }
}
