// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace RaftCache.Cli.Connection;

/// <summary>
/// The cluster's REST API through any of the given endpoints: a request goes to the endpoint that answered last,
/// and to the next one when that one cannot be reached (connection refused, reset, timed out). An HTTP answer,
/// even an error, is the cluster's answer: any node serves any call, so asking another would not change it.
/// </summary>
public sealed class RestClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly IReadOnlyList<Uri> _endpoints;
    private int _current;

    public RestClient(Settings settings)
    {
        _endpoints = settings.Endpoints;
        _http = new HttpClient { Timeout = settings.Timeout };
        if (settings.ApiKey is { Length: > 0 } key) _http.DefaultRequestHeaders.Add("X-Api-Key", key);
    }

    public IReadOnlyList<Uri> Endpoints => _endpoints;

    /// <summary>Sends the request made by <paramref name="make"/> (called again for each endpoint tried); the response is the caller's.</summary>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> make, CancellationToken cancellationToken, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        var failures = new List<string>();
        for (var tried = 0; tried < _endpoints.Count; tried++)
        {
            var index = (_current + tried) % _endpoints.Count;
            var endpoint = _endpoints[index];
            using var request = make();
            request.RequestUri = new Uri(endpoint, request.RequestUri!.ToString());
            try
            {
                var response = await _http.SendAsync(request, completion, cancellationToken);
                _current = index;
                return response;
            }
            catch (HttpRequestException e)
            {
                failures.Add($"{endpoint.Authority} ({Reason(e)})");
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failures.Add($"{endpoint.Authority} (no answer within {_http.Timeout.TotalSeconds:0} s)");
            }
        }
        throw new CliException(ExitCodes.Unreachable, "No endpoint answered: " + string.Join(", ", failures) + ".");
    }

    /// <summary>Sends the request to one node in particular (no failover): for per-node views such as check.</summary>
    public async Task<HttpResponseMessage?> TrySendToAsync(Uri node, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.RequestUri = new Uri(node, request.RequestUri!.ToString());
        try
        {
            return await _http.SendAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    public async Task<JsonElement> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
        return await ReadJsonAsync(response, cancellationToken);
    }

    public async Task<JsonElement> SendJsonAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) }, cancellationToken);
        return await ReadJsonAsync(response, cancellationToken);
    }

    /// <summary>The JSON body of a successful answer; an error answer becomes a <see cref="CliException"/> with its problem detail.</summary>
    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NoContent) return default;
        try
        {
            return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        }
        catch (JsonException)
        {
            throw new CliException(ExitCodes.ServerError, $"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode} with a body that is not JSON; is it a RaftCache node?");
        }
    }

    public static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var status = (int)response.StatusCode;
        var detail = await ProblemText(response, cancellationToken);
        var code = status switch
        {
            401 or 403 => ExitCodes.Unauthorized,
            404 => ExitCodes.NotFound,
            409 or 412 => ExitCodes.Conflict,
            400 or 413 or 415 => ExitCodes.Usage,
            _ => ExitCodes.ServerError,
        };
        var hint = status == 401 ? " (give an API key with --api-key or RAFTCACHE_KEY)" : status == 403 ? " (this key's role is too weak: admin calls need an admin key)" : "";
        throw new CliException(code, $"{(int)response.StatusCode} {response.ReasonPhrase}: {detail}{hint}");
    }

    private static async Task<string> ProblemText(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var problem = JsonDocument.Parse(text);
            if (problem.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (problem.RootElement.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String) return detail.GetString()!;
                if (problem.RootElement.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String) return title.GetString()!;
            }
        }
        catch (JsonException)
        {
        }
        return text.Length == 0 ? "no details" : OneLine(text);
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ") is var line && line.Length > 200 ? line[..200] + "…" : line;

    private static string Reason(HttpRequestException e) =>
        e.HttpRequestError switch
        {
            HttpRequestError.ConnectionError => "connection refused or unreachable",
            HttpRequestError.NameResolutionError => "name not resolved",
            HttpRequestError.SecureConnectionError => "TLS handshake failed",
            _ => e.InnerException?.Message ?? e.Message,
        };

    public void Dispose() => _http.Dispose();
}
