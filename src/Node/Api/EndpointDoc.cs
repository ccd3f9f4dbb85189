// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace RaftCache.Node.Api;

/// <summary>
/// The documentation of one endpoint: summary, description, example bodies and what each error status means.
/// Attached as endpoint metadata; <see cref="EndpointDocTransformer"/> puts it into the OpenAPI document, so
/// Swagger UI shows every endpoint with its errors and an example.
/// </summary>
public sealed record EndpointDoc(
    string Summary,
    string Description,
    string? RequestExample = null,
    IReadOnlyDictionary<int, string>? ResponseExamples = null,
    IReadOnlyDictionary<int, string>? Errors = null);

public static class EndpointDocExtensions
{
    public static RouteHandlerBuilder WithDocs(this RouteHandlerBuilder builder, EndpointDoc doc)
    {
        builder.WithSummary(doc.Summary).WithDescription(doc.Description).WithMetadata(doc);
        foreach (var status in (doc.Errors ?? new Dictionary<int, string>()).Keys) builder.ProducesProblem(status);
        return builder;
    }
}

internal sealed class EndpointDocTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var doc = context.Description.ActionDescriptor.EndpointMetadata.OfType<EndpointDoc>().FirstOrDefault();
        if (doc is null) return Task.CompletedTask;
        if (doc.RequestExample is { } request && operation.RequestBody?.Content is { } requestContent)
        {
            foreach (var (mediaType, media) in requestContent)
            {
                if (PutRequestReader.IsJson(mediaType)) media.Example = JsonNode.Parse(request);
            }
        }
        if (operation.Responses is { } responses)
        {
            foreach (var (status, example) in doc.ResponseExamples ?? new Dictionary<int, string>())
            {
                if (responses.TryGetValue(Code(status), out var response) && response.Content is { } content)
                {
                    foreach (var (mediaType, media) in content)
                    {
                        if (PutRequestReader.IsJson(mediaType)) media.Example = JsonNode.Parse(example);
                    }
                }
            }
            foreach (var (status, meaning) in doc.Errors ?? new Dictionary<int, string>())
            {
                if (responses.TryGetValue(Code(status), out var response) && response is OpenApiResponse concrete) concrete.Description = meaning;
            }
        }
        return Task.CompletedTask;
    }

    private static string Code(int status) => status.ToString(CultureInfo.InvariantCulture);
}
