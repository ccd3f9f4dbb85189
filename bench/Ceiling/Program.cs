// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Concurrent;

// GET/PUT /keys/{key} over a ConcurrentDictionary: what Kestrel alone serves on this machine. The value is the raw
// request body, returned as it came, so the request carries the same bytes as a raw PUT to a node.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
var store = new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal);

app.MapGet("/keys/{key}", (string key) =>
    store.TryGetValue(key, out var value)
        ? Results.Bytes(value, "application/octet-stream")
        : Results.NotFound());

app.MapPut("/keys/{key}", async (string key, HttpRequest request) =>
{
    // A named limit, like the node's body limit: 1 MiB.
    const int MaxValueBytes = 1 << 20;
    if (request.ContentLength is > MaxValueBytes) return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
    using var buffer = new MemoryStream();
    await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
    if (buffer.Length > MaxValueBytes) return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
    store[key] = buffer.ToArray();
    return Results.Ok();
});

app.Run();
