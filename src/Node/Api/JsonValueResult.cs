// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text.Json;
using RaftCache.Node.Requests;

namespace RaftCache.Node.Api;

/// <summary>
/// The 200 answer to a GET of a JSON value (API.md): <c>{"key", "data", "expiration_date", "version"}</c> with the
/// stored value as "data", written once into a pooled buffer and sent with its Content-Length; the buffer goes back
/// to the pool once the body is handed to Kestrel. The JSON writer is reused per thread: writing is synchronous.
/// </summary>
internal sealed class JsonValueResult : IResult
{
    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    // Encoded once: a property name given as a string is transcoded to UTF-8 on every write.
    private static readonly JsonEncodedText KeyName = JsonEncodedText.Encode("key");
    private static readonly JsonEncodedText DataName = JsonEncodedText.Encode("data");
    private static readonly JsonEncodedText ExpirationName = JsonEncodedText.Encode("expiration_date");
    private static readonly JsonEncodedText VersionName = JsonEncodedText.Encode("version");

    private readonly PooledBuffer _body;

    private JsonValueResult(PooledBuffer body) => _body = body;

    public static JsonValueResult Of(string key, StoredValue entry)
    {
        // Escaping can make a key up to six times longer; the rest of the envelope is under 96 bytes.
        var body = new PooledBuffer(entry.Value.Length + key.Length * 6 + 96);
        var json = t_writer ??= new Utf8JsonWriter(body, new JsonWriterOptions { SkipValidation = true });
        json.Reset(body);
        try
        {
            json.WriteStartObject();
            json.WriteString(KeyName, key);
            json.WritePropertyName(DataName);
            json.WriteRawValue(entry.Value.Span, skipInputValidation: true);
            if (entry.ExpiresAtMs is { } expiresAtMs) json.WriteString(ExpirationName, ExpiryParser.FormatUtf8(expiresAtMs, stackalloc byte[ExpiryParser.FormattedLength]));
            else json.WriteNull(ExpirationName);
            json.WriteNumber(VersionName, entry.Version);
            json.WriteEndObject();
            json.Flush();
        }
        finally
        {
            json.Reset(Stream.Null);
        }
        return new JsonValueResult(body);
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        try
        {
            var response = httpContext.Response;
            response.ContentType = PutRequestReader.JsonContentType;
            response.ContentLength = _body.WrittenCount;
            await response.Body.WriteAsync(_body.WrittenMemory, httpContext.RequestAborted);
        }
        finally
        {
            _body.Dispose();
        }
    }
}
