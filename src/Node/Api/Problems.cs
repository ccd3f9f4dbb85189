// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Api;

/// <summary>
/// Every client error the REST API returns, as RFC 9457 problem details: one place decides status, title and
/// type, so the OpenAPI description, the docs and the code cannot drift apart.
/// </summary>
public static class Problems
{
    public const string TypeBase = "https://raftcache.dev/problems/";

    public static IResult BadRequest(string detail) => Problem(400, "Bad request", "bad-request", detail);

    public static IResult TooLarge(int limitBytes) =>
        Problem(413, "Value too large", "value-too-large", $"The value exceeds the limit of {limitBytes} bytes.");

    public static IResult UnsupportedMediaType(string detail) =>
        Problem(415, "Unsupported media type", "unsupported-media-type", detail);

    public static IResult PreconditionFailed(ulong currentVersion) =>
        Problem(412, "Precondition failed", "precondition-failed",
            currentVersion == 0 ? "The key does not exist." : $"The key's current version is {currentVersion}.",
            new Dictionary<string, object?> { ["current_version"] = currentVersion });

    public static IResult InsufficientStorage(string detail) => Problem(507, "Insufficient storage", "memory-limit", detail);

    /// <summary>503 with Retry-After: nothing was acknowledged; like etcd, the write may or may not apply later.</summary>
    public static IResult Unavailable(string detail, bool mayHaveApplied, int retryAfterSeconds = 1) =>
        new RetryAfterResult(
            Problem(503, "Service unavailable", mayHaveApplied ? "indeterminate" : "unavailable", detail,
                new Dictionary<string, object?> { ["may_have_applied"] = mayHaveApplied }),
            retryAfterSeconds);

    public static IResult Problem(int status, string title, string type, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: TypeBase + type, extensions: extensions);

    private sealed class RetryAfterResult(IResult inner, int seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}
