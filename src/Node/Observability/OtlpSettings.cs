// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;

namespace RaftCache.Node.Observability;

/// <summary>
/// OTLP export of the metrics (OTLP/HTTP with protobuf): on when <c>--otlp-endpoint</c> names a collector, pushed every
/// <c>--otlp-interval-ms</c>. A URL without a path gets the standard <c>/v1/metrics</c>. The OpenTelemetry standard
/// variable <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> works too (its exporter defaults then apply).
/// </summary>
public sealed record OtlpSettings(Uri? Endpoint, int IntervalMs)
{
    public const string EndpointKey = "RaftCache:OtlpEndpoint";
    public const string IntervalKey = "RaftCache:OtlpIntervalMs";
    public const int DefaultIntervalMs = 10_000;
    public const int MinIntervalMs = 100;
    public const int MaxIntervalMs = 3_600_000;

    /// <summary>The settings, or the errors naming the option that is wrong.</summary>
    public static (OtlpSettings? Settings, IReadOnlyList<string> Errors) Read(IConfiguration configuration)
    {
        var errors = new List<string>();
        Uri? endpoint = null;
        if (configuration[EndpointKey] is { Length: > 0 } text)
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https"))
                errors.Add($"--otlp-endpoint must be an http(s) URL of an OTLP collector, was '{text}'");
            else if (endpoint.AbsolutePath == "/")
                endpoint = new Uri(endpoint, "/v1/metrics");
        }
        var interval = DefaultIntervalMs;
        if (configuration[IntervalKey] is { Length: > 0 } ms
            && (!int.TryParse(ms, NumberStyles.None, CultureInfo.InvariantCulture, out interval) || interval is < MinIntervalMs or > MaxIntervalMs))
            errors.Add($"--otlp-interval-ms must be {MinIntervalMs} to {MaxIntervalMs}, was '{ms}'");
        return errors.Count > 0 ? (null, errors) : (new OtlpSettings(endpoint, interval), errors);
    }
}
