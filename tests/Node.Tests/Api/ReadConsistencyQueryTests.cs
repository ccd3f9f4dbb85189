// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Http;
using RaftCache.Node.Api;
using RaftCache.Node.Requests;

namespace RaftCache.Node.Tests.Api;

/// <summary>A get's consistency read from the raw query string must answer exactly what the parsed query answers.</summary>
public sealed class ReadConsistencyQueryTests
{
    private static HttpRequest Request(string query)
    {
        var http = new DefaultHttpContext();
        http.Request.QueryString = new QueryString(query);
        return http.Request;
    }

    [Theory]
    [InlineData("", true, ReadConsistency.Linearizable)]
    [InlineData("?consistency=linearizable", true, ReadConsistency.Linearizable)]
    [InlineData("?consistency=lease", true, ReadConsistency.Lease)]
    [InlineData("?consistency=local", true, ReadConsistency.Local)]
    [InlineData("?consistency=LOCAL", true, ReadConsistency.Local)]
    [InlineData("?consistency=loc%61l", true, ReadConsistency.Local)]
    [InlineData("?use_cache=true", true, ReadConsistency.Local)]
    [InlineData("?use_cache=false", true, ReadConsistency.Linearizable)]
    [InlineData("?other=1&consistency=lease", true, ReadConsistency.Lease)]
    [InlineData("?consistency=local&use_cache=true", false, ReadConsistency.Linearizable)]
    [InlineData("?consistency=local&consistency=lease", false, ReadConsistency.Linearizable)]
    [InlineData("?consistency=strong", false, ReadConsistency.Linearizable)]
    [InlineData("?use_cache=yes", false, ReadConsistency.Linearizable)]
    public void The_raw_query_and_the_parsed_query_agree(string query, bool valid, ReadConsistency expected)
    {
        var request = Request(query);

        var fast = KeysEndpoints.TryReadConsistency(request, out var consistency, out var error);
        var parsed = KeysEndpoints.TryReadConsistency(request.Query, out var parsedConsistency, out var parsedError);

        Assert.Equal(valid, fast);
        Assert.Equal(parsed, fast);
        Assert.Equal(parsedError, error);
        if (valid) Assert.Equal(expected, consistency);
        Assert.Equal(parsedConsistency, consistency);
        Assert.Equal(valid, error.Length == 0);
    }
}
