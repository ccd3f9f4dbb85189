// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace RaftCache.Chaos;

/// <summary>
/// Performs one REST call against one node and turns the answer into a recorded <see cref="ChaosOp"/>, classified
/// exactly as reliability.md §2 says: 200/204/404 ok, 412 ok with CAS false, 503 with may_have_applied=false or a
/// refused connection (nothing was sent) fail, 503 may_have_applied=true / other 5xx / timeout / reset indeterminate.
/// Every request uses a fresh connection (Connection: close) and is never re-sent by HttpClient (see
/// <see cref="ConnectOnceAsync"/>): a re-send after a kill would otherwise turn an applied DELETE into "refused".
/// </summary>
public static class ChaosClient
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(4);

    /// <summary>Per request: how many connections SocketsHttpHandler opened for it.</summary>
    private static readonly HttpRequestOptionsKey<StrongBox<int>> Connects = new("raftcache-chaos-connects");

    private static readonly HttpClient Http = new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(1),
        PooledConnectionLifetime = TimeSpan.Zero,
        ConnectCallback = ConnectOnceAsync,
    })
    {
        Timeout = Timeout,
        DefaultRequestHeaders = { { "X-Api-Key", ChaosCluster.AdminKey } },
    };

    /// <summary>Performs <paramref name="op"/>; <paramref name="query"/> (e.g. "?consistency=local") is appended to the key's URL.</summary>
    public static async Task<ChaosOp> RunAsync(ChaosOp op, string query = "")
    {
        if (query.Length == 0 && op is { Kind: OpKind.Get, Mode: not ReadMode.Linearizable })
            query = "?consistency=" + op.Mode.ToString().ToLowerInvariant();
        using var request = new HttpRequestMessage(op.Kind switch
        {
            OpKind.Get => HttpMethod.Get,
            OpKind.Delete => HttpMethod.Delete,
            _ => HttpMethod.Put,
        }, new Uri(ChaosCluster.RestUrl(op.Node), "/keys/" + Uri.EscapeDataString(op.Key) + query));
        request.Headers.ConnectionClose = true;
        request.Options.Set(Connects, new StrongBox<int>());
        if (op.Kind is OpKind.Put or OpKind.Cas)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(new { data = op.Value, ttl_seconds = 86_400 }), Encoding.UTF8, "application/json");
        }

        if (op.Kind == OpKind.Cas) request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{op.ExpectedVersion}\""));
        op = op with { Call = Stopwatch.GetTimestamp() };
        try
        {
            using var response = await Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            return Classify(op with { Return = Stopwatch.GetTimestamp() }, response.StatusCode, body);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
        {
            // Refused on the first and only connect: the request never left this process.
            return op with { Return = Stopwatch.GetTimestamp(), Outcome = OpOutcome.Fail, Note = "connection refused" };
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return op with { Return = Stopwatch.GetTimestamp(), Outcome = OpOutcome.Indeterminate, Note = e.GetType().Name };
        }
    }

    /// <summary>
    /// SocketsHttpHandler re-sends a request without a body (GET, DELETE) on a new connection when the server
    /// closed the first one after reading the request but before answering (a node killed mid-request). The first attempt may have been
    /// applied, so a refused second connect must not be taken for "never sent": refuse to re-send instead, which
    /// surfaces as an indeterminate outcome.
    /// </summary>
    private static async ValueTask<Stream> ConnectOnceAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        if (context.InitialRequestMessage.Options.TryGetValue(Connects, out var count) && ++count.Value > 1)
            throw new IOException("the request was sent on a connection that closed before answering; not re-sending it");
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static ChaosOp Classify(ChaosOp op, HttpStatusCode status, string body)
    {
        var code = (int)status;
        switch (code)
        {
            case 200 when op.Kind == OpKind.Get:
                using (var json = JsonDocument.Parse(body))
                {
                    return op with { Outcome = OpOutcome.Ok, Found = true, ReadValue = json.RootElement.GetProperty("data").GetString(), Version = json.RootElement.GetProperty("version").GetUInt64() };
                }

            case 200 when op.Kind is OpKind.Put or OpKind.Cas:
                using (var json = JsonDocument.Parse(body))
                {
                    return op with { Outcome = OpOutcome.Ok, Found = true, Version = json.RootElement.GetProperty("version").GetUInt64() };
                }

            case 404 when op.Kind == OpKind.Get:
            case 204 when op.Kind == OpKind.Delete:
                return op with { Outcome = OpOutcome.Ok };
            case 412 when op.Kind == OpKind.Cas:
                return op with { Outcome = OpOutcome.Ok, Found = false };
            case 503:
                return op with { Outcome = MayHaveApplied(body) ? OpOutcome.Indeterminate : OpOutcome.Fail, Note = "503" };
            case >= 500:
                return op with { Outcome = OpOutcome.Indeterminate, Note = code.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            default:
                // 4xx other than the above: the request was refused as invalid, so it was not applied.
                return op with { Outcome = OpOutcome.Fail, Note = $"{code} {body[..Math.Min(body.Length, 200)]}" };
        }
    }

    private static bool MayHaveApplied(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return !json.RootElement.TryGetProperty("may_have_applied", out var flag) || flag.ValueKind != JsonValueKind.False;
        }
        catch (JsonException)
        {
            return true; // an unreadable 503 promises nothing
        }
    }
}
