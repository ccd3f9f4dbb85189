// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Api;

/// <summary>OpenAPI documentation of /keys, kept beside the handlers and in line with API.md.</summary>
internal static class KeyDocs
{
    private const string ForwardingNote =
        " Any node answers: a node that is not the shard's leader forwards to it; the client never sees a redirect.";

    private static readonly Dictionary<int, string> WriteErrors = new()
    {
        [400] = "Malformed JSON, bad key, bad or past expiration_date, non-positive ttl_seconds, or bad If-Match.",
        [412] = "If-Match names another version than the current one, or If-None-Match: * and the key exists.",
        [413] = "The value exceeds the configured limit (default 1 MiB).",
        [415] = "No Content-Type, or a JSON body that is not UTF-8.",
        [503] = "No leader, or no quorum within the request timeout; see may_have_applied. Retry-After is set.",
        [507] = "The shard's memory limit is reached and nothing can be evicted to make room.",
    };

    public static readonly EndpointDoc Put = new(
        "Store a value under a key",
        "Stores a JSON value (Content-Type: application/json, body {\"data\": …, \"expiration_date\" or \"ttl_seconds\"}) " +
        "or raw bytes of any other content type (expiry in the query: ?ttl_seconds= or ?expiration_date=). Without an " +
        "expiry the configured default TTL applies (600 s unless configured otherwise). Answered only after the write is " +
        "committed by a majority of the shard's replicas and applied. If-Match: \"<version>\" makes it a compare-and-set; " +
        "If-None-Match: * creates only. A multipart/form-data body (a file upload) stores its part named file raw, with " +
        "that part's content type." + ForwardingNote,
        RequestExample: """{"data": {"user": "ada", "cart": [1, 2]}, "ttl_seconds": 1800}""",
        ResponseExamples: new Dictionary<int, string> { [200] = """{"key": "session:42", "version": 1017, "expiration_date": "2026-12-01T10:00:00.000Z"}""" },
        Errors: WriteErrors);

    public static readonly EndpointDoc Get = new(
        "Read the value of a key",
        "Returns {\"key\", \"data\", \"expiration_date\", \"version\"} for JSON values, or the raw bytes with their stored " +
        "content type. The ETag header carries the version. An absent or expired key answers 404 with the JSON body null. " +
        "consistency=linearizable (default) confirms leadership with ReadIndex; local reads this node's replica and may be " +
        "stale; lease is confirmed by the shard leader alone from its read lease (no quorum round; any replica may serve once " +
        "it has applied the index the leader gives), linearizable while no clock's rate " +
        "is off by more than the configured drift bound (default 10 %). use_cache=true is an alias of local, use_cache=false of " +
        "linearizable." + ForwardingNote,
        ResponseExamples: new Dictionary<int, string>
        {
            [200] = """{"key": "session:42", "data": {"user": "ada", "cart": [1, 2]}, "expiration_date": "2026-12-01T10:00:00.000Z", "version": 1017}""",
            [404] = "null",
        },
        Errors: new Dictionary<int, string>
        {
            [400] = "Bad key, or an unknown consistency or use_cache value.",
            [503] = "No leader could confirm the read within the request timeout. Retry-After is set.",
        });

    public static readonly EndpointDoc Delete = new(
        "Delete a key",
        "Removes the key. Idempotent: deleting an absent key also answers 204. If-Match: \"<version>\" deletes only that " +
        "version (412 otherwise)." + ForwardingNote,
        Errors: new Dictionary<int, string>
        {
            [400] = "Bad key or bad If-Match.",
            [412] = "If-Match names another version than the current one.",
            [503] = "No leader, or no quorum within the request timeout; see may_have_applied. Retry-After is set.",
        });
}
