// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Globalization;
using RaftCache.Node.Hosting;
using RaftCache.Node.Security;
using RaftCache.Resp;

namespace RaftCache.Node.Resp;

/// <summary>
/// The HTTP side of RESP: FLUSHALL through this node's admin API (as the caller), and other members' RESP addresses
/// (cluster mode). Key commands never travel over HTTP: the cluster forwards them over the peer connection.
/// </summary>
public sealed class RespForwarder(IHttpClientFactory clients, CacheNode node, RespOptions options, Uri self)
{
    private readonly ConcurrentDictionary<ulong, RespNodeAddress> _addresses = new();
    private readonly ConcurrentDictionary<ulong, DateTimeOffset> _asked = new();

    private HttpClient Http => clients.CreateClient(NodeProgram.SelfClient);

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

    /// <summary>
    /// Asks every member whose RESP address is not known yet, at once, and waits for the answers (each bounded by
    /// <see cref="AddressWait"/>); a member that does not answer stays unknown and its shards are proxied.
    /// </summary>
    public Task LearnAddressesAsync(CancellationToken cancellationToken)
    {
        var asks = node.Cluster.Members.Values
            .Where(m => m.Id != node.NodeId && !_addresses.ContainsKey(m.Id) && m.RestUrl is not null)
            .Select(m =>
            {
                _asked[m.Id] = DateTimeOffset.UtcNow;
                return LearnAddressAsync(m.Id, new Uri(m.RestUrl!), cancellationToken);
            })
            .ToArray();
        return asks.Length == 0 ? Task.CompletedTask : Task.WhenAll(asks);
    }

    /// <summary>How long one member is asked for its RESP address.</summary>
    private static readonly TimeSpan AddressWait = TimeSpan.FromSeconds(2);

    private async Task LearnAddressAsync(ulong member, Uri rest, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(AddressWait);
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
