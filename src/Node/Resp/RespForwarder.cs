// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using RaftCache.Node.Hosting;
using RaftCache.Node.Security;
using RaftCache.Resp;

namespace RaftCache.Node.Resp;

/// <summary>
/// The node-to-node side of RESP: a command this node cannot serve goes to the shard leader's internal RESP
/// endpoint (<see cref="RespInternalEndpoints"/>) with the caller's own API key, so the leader authorises it as
/// that caller, exactly as a forwarded REST request is. Also learns other members' RESP addresses (cluster mode).
/// </summary>
public sealed class RespForwarder(IHttpClientFactory clients, CacheNode node, RespOptions options, Uri self)
{
    private readonly ConcurrentDictionary<ulong, RespNodeAddress> _addresses = new();
    private readonly ConcurrentDictionary<ulong, DateTimeOffset> _asked = new();

    private HttpClient Http => clients.CreateClient(NodeProgram.SelfClient);

    /// <summary>The leader's answer, or null when it could not give one (not leader, unreachable): route again.</summary>
    public async Task<RespWriteResult?> TryWriteAsync(Uri leader, int shard, byte[] command, RespCaller caller, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(leader, $"{RespInternalEndpoints.Prefix}/write/{shard}"))
        {
            Content = new ByteArrayContent(command),
        };
        return await SendAsync(request, caller, async response => response.StatusCode switch
        {
            HttpStatusCode.OK => (await response.Content.ReadFromJsonAsync<ForwardedWrite>(cancellationToken))?.ToResult(),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new RespWriteResult(RespWriteStatus.Forbidden, default),
            _ => null,
        }, cancellationToken);
    }

    public async Task<RespReadResult?> TryReadAsync(Uri leader, int shard, byte[] key, RespConsistency consistency, RespCaller caller, CancellationToken cancellationToken)
    {
        var path = $"{RespInternalEndpoints.Prefix}/read/{shard}?key={Base64Url.EncodeToString(key)}&consistency={(int)consistency}";
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(leader, path));
        return await SendAsync(request, caller, async response =>
        {
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    var value = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                    var headers = response.Headers;
                    var contentType = Convert.FromBase64String(headers.GetValues(RespInternalEndpoints.ContentTypeHeader).Single());
                    var version = ulong.Parse(headers.GetValues(RespInternalEndpoints.VersionHeader).Single(), CultureInfo.InvariantCulture);
                    long? expires = headers.TryGetValues(RespInternalEndpoints.ExpiresHeader, out var at) ? long.Parse(at.Single(), CultureInfo.InvariantCulture) : null;
                    return new RespReadResult(RespReadStatus.Found, new RespEntry(value, contentType, version, expires));
                case HttpStatusCode.NotFound:
                    return new RespReadResult(RespReadStatus.NotFound, null);
                case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                    return new RespReadResult(RespReadStatus.Forbidden, null);
                default:
                    return (RespReadResult?)null;
            }
        }, cancellationToken);
    }

    /// <summary>FLUSHALL through the node's own admin endpoint, which flushes every shard at its leader.</summary>
    public async Task<(bool Done, string? Error)> FlushAllAsync(RespCaller caller, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(self, "/admin/keys"));
        var answer = await SendAsync(request, caller, response => Task.FromResult<(bool, string?)?>(response.IsSuccessStatusCode
            ? (true, null)
            : (false, $"flush not confirmed on every shard (HTTP {(int)response.StatusCode}); it may or may not have been applied")), cancellationToken);
        return answer ?? (false, "flush not confirmed: this node's admin endpoint did not answer");
    }

    /// <summary>A member's RESP address if known; otherwise asks the member in the background and returns null for now.</summary>
    public RespNodeAddress? AddressOf(ulong member)
    {
        if (member == node.NodeId) return new RespNodeAddress(member, options.EndPoint.Address.ToString(), options.EndPoint.Port);
        if (_addresses.TryGetValue(member, out var known)) return known;
        var now = DateTimeOffset.UtcNow;
        if (node.Cluster.Members.TryGetValue(member, out var info) && info.RestUrl is { } url
            && (!_asked.TryGetValue(member, out var last) || now - last > TimeSpan.FromSeconds(1)))
        {
            _asked[member] = now;
            _ = LearnAddressAsync(member, new Uri(url));
        }

        return null;
    }

    private async Task LearnAddressAsync(ulong member, Uri rest)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            var text = await Http.GetStringAsync(new Uri(rest, $"{RespInternalEndpoints.Prefix}/address"), timeout.Token);
            var separator = text.LastIndexOf(':');
            if (separator > 0 && int.TryParse(text[(separator + 1)..], CultureInfo.InvariantCulture, out var port))
            {
                _addresses[member] = new RespNodeAddress(member, text[..separator], port);
            }
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            // Asked again on a later call; until then the member's shards are served by proxying.
        }
    }

    private async Task<T?> SendAsync<T>(HttpRequestMessage request, RespCaller caller, Func<HttpResponseMessage, Task<T?>> read, CancellationToken cancellationToken)
    {
        if (caller.ApiKey is { } key) request.Headers.TryAddWithoutValidation(ApiKeyAuthenticationHandler.Header, key);
        try
        {
            using var response = await Http.SendAsync(request, cancellationToken);
            return await read(response);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return default;
        }
    }
}

/// <summary>A write's result as the leader sends it back.</summary>
public sealed record ForwardedWrite(RespWriteStatus Status, StateMachine.ApplyStatus Apply, ulong Version, long Count)
{
    public RespWriteResult ToResult() => new(Status, new StateMachine.ApplyResult(Apply, Version, Count));
}
