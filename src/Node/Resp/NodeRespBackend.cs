// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.Extensions.Options;
using RaftCache.Node.Api;
using RaftCache.Node.Configuration;
using RaftCache.Node.Hosting;
using RaftCache.Node.Security;
using RaftCache.Resp;
using RaftCache.StateMachine;

namespace RaftCache.Node.Resp;

/// <summary>
/// The node as the RESP front end sees it: the one place that turns RESP's writes and reads into
/// <see cref="ICacheCluster"/> calls. A request is served here when this node is the right replica and forwarded
/// to the shard leader's internal RESP endpoint otherwise (the same routing and session rules as REST: one session
/// across all attempts, so a write retried or re-forwarded applies at most once), until the request timeout.
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
    private static readonly TimeSpan RetryInterval = RequestDispatcher.RetryInterval;

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
        var command = encode(session, NowMs);
        var mayHaveApplied = false;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.RequestTimeoutMs);
        try
        {
            while (true)
            {
                var route = cluster.RouteOf(shard, isWrite: true, ReadConsistency.Linearizable);
                if (route.Kind == RouteKind.Local)
                {
                    mayHaveApplied = true;
                    if (ToResp(await cluster.WriteAsync(shard, command, timeout.Token)) is { } done) return done;
                }
                else if (route.Kind == RouteKind.Forward)
                {
                    mayHaveApplied = true;
                    if (await forwarder.TryWriteAsync(route.Leader!, shard, command, caller, timeout.Token) is { } answer) return answer;
                }

                await Task.Delay(RetryInterval, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new RespWriteResult(mayHaveApplied ? RespWriteStatus.Indeterminate : RespWriteStatus.Unavailable, default);
        }
        finally
        {
            cluster.CompleteSession(session);
        }
    }

    /// <summary>The answer for the client, or null when the write definitely did not apply (route again).</summary>
    internal static RespWriteResult? ToResp(WriteOutcome outcome) => outcome.Status switch
    {
        WriteStatus.Applied => new RespWriteResult(RespWriteStatus.Applied, outcome.Result),
        WriteStatus.PreconditionFailed => new RespWriteResult(RespWriteStatus.PreconditionFailed, outcome.Result),
        WriteStatus.MemoryLimit => new RespWriteResult(RespWriteStatus.MemoryLimit, outcome.Result),
        WriteStatus.Rejected => new RespWriteResult(RespWriteStatus.Rejected, outcome.Result),
        WriteStatus.Indeterminate => new RespWriteResult(RespWriteStatus.Indeterminate, outcome.Result),
        _ => null,
    };

    public async Task<RespReadResult> ReadAsync(int shard, byte[] key, RespConsistency consistency, RespCaller caller, CancellationToken cancellationToken)
    {
        var level = (ReadConsistency)(int)consistency;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.RequestTimeoutMs);
        try
        {
            while (true)
            {
                var route = cluster.RouteOf(shard, isWrite: false, level);
                if (route.Kind == RouteKind.Local)
                {
                    var outcome = await cluster.ReadAsync(shard, key, level, timeout.Token);
                    if (outcome.Status == ReadStatus.Found)
                    {
                        var entry = outcome.Entry;
                        return new RespReadResult(RespReadStatus.Found, new RespEntry(entry.Value, entry.ContentType, entry.Version, entry.ExpiresAtMs));
                    }

                    if (outcome.Status == ReadStatus.NotFound) return new RespReadResult(RespReadStatus.NotFound, null);
                }
                else if (route.Kind == RouteKind.Forward)
                {
                    if (await forwarder.TryReadAsync(route.Leader!, shard, key, consistency, caller, timeout.Token) is { } answer) return answer;
                }

                await Task.Delay(RetryInterval, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new RespReadResult(RespReadStatus.Unavailable, null);
        }
    }
}
