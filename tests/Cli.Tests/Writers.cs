// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using RaftCache.Node.Tests.Cluster;

namespace RaftCache.Cli.Tests;

/// <summary>A write the cluster acknowledged: what was stored, and when the acknowledgement arrived.</summary>
public sealed record AckedWrite(string Key, byte[] Value, string ContentType, bool IsJson, string? ExpirationDate, DateTimeOffset AckedAt);

/// <summary>
/// Clients writing unique keys as fast as the cluster acknowledges them: raw values with their own content types,
/// JSON values, with an absolute expiry, a short TTL, or none. Bounded in count and time.
/// </summary>
public sealed class Writers(TestCluster cluster, int clients)
{
    public const int MaxWritesPerClient = 5_000;

    public ConcurrentBag<AckedWrite> Acked { get; } = [];

    public async Task RunAsync(CancellationToken stop)
    {
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(() => ClientAsync(c, stop), CancellationToken.None)));
    }

    private async Task ClientAsync(int client, CancellationToken stop)
    {
        var random = new Random(1000 + client);
        for (var n = 0; n < MaxWritesPerClient && !stop.IsCancellationRequested; n++)
        {
            var key = n % 5 == 0 ? $"w{client}:{n}:{{tag{n % 3}}}" : $"w{client}:{n}";
            var node = cluster.Nodes[(client + n) % cluster.Nodes.Count];
            var kind = n % 4;
            var expiry = kind == 3 ? null : DateTimeOffset.UtcNow.AddHours(1 + (n % 5)).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
            HttpContent content;
            string contentType;
            byte[] value;
            var path = "/keys/" + Uri.EscapeDataString(key);
            if (kind == 1)
            {
                value = Encoding.UTF8.GetBytes($$"""{"client":{{client}},"n":{{n}},"pad":"{{new string('x', random.Next(10, 600))}}"}""");
                contentType = "application/json";
                var envelope = $$"""{"data":{{Encoding.UTF8.GetString(value)}}{{(expiry is null ? "" : $",\"expiration_date\":\"{expiry}\"")}}}""";
                content = new StringContent(envelope, Encoding.UTF8, "application/json");
            }
            else
            {
                value = new byte[random.Next(1, 2000)];
                random.NextBytes(value);
                contentType = kind == 0 ? "application/octet-stream" : $"image/x-test-{client}";
                content = new ByteArrayContent(value);
                content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
                if (expiry is not null) path += "?expiration_date=" + Uri.EscapeDataString(expiry);
            }
            try
            {
                using var response = await cluster.Http.PutAsync(new Uri(node.Url, path), content, CancellationToken.None);
                if (!response.IsSuccessStatusCode) continue; // not acknowledged: nothing is promised about it
                using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(CancellationToken.None));
                var stored = answer.RootElement.GetProperty("expiration_date");
                Acked.Add(new AckedWrite(key, value, contentType, kind == 1, stored.ValueKind == JsonValueKind.String ? stored.GetString() : null, DateTimeOffset.UtcNow));
            }
            catch (HttpRequestException)
            {
            }
            finally
            {
                content.Dispose();
            }
        }
    }
}
