// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Api;

/// <summary>OpenAPI documentation of POST /cache.</summary>
internal static class CacheCommandDocs
{
    public static readonly EndpointDoc Command = new(
        "Run a cache command (WRITE, READ, DELETE)",
        "The JSON command protocol of simple cache services, over the same keys as /keys. WRITE stores \"value\" (any JSON) " +
        "as a JSON entry with \"expire\" as a TTL in seconds or an ISO 8601 instant (default TTL otherwise); READ returns it " +
        "(a raw entry stored through /keys comes back base64-encoded with its content_type); DELETE removes it (also " +
        "when absent). status is SUCCESS, or NOT_FOUND (404) for a READ of an absent key; any other failure is problem " +
        "details as on /keys. READ takes ?consistency= or ?use_cache= like GET /keys. READ needs the reader role, WRITE " +
        "and DELETE the writer role. Any node answers; writes apply at most once however often they are forwarded.",
        RequestExample: """{"command": "WRITE", "key": "session:42", "value": {"user": "ada"}, "expire": 600}""",
        ResponseExamples: new Dictionary<int, string>
        {
            [200] = """{"command": "READ", "status": "SUCCESS", "value": {"user": "ada"}, "key": "session:42", "version": 1017}""",
            [404] = """{"command": "READ", "status": "NOT_FOUND", "value": null, "key": "session:42", "version": null}""",
        },
        Errors: new Dictionary<int, string>
        {
            [400] = "Malformed JSON, unknown command, bad key, WRITE without value, bad or past expire.",
            [403] = "WRITE or DELETE with a reader's credentials.",
            [413] = "The value exceeds the configured limit (default 1 MiB).",
            [503] = "No leader, or no quorum within the request timeout; see may_have_applied. Retry-After is set.",
            [507] = "The shard's memory limit is reached and nothing can be evicted to make room.",
        });
}
