// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RaftCache.Node.Tests.Cluster;

namespace RaftCache.Resp.Tests.Cluster;

/// <summary>
/// A small ASP.NET Core app using AddSession over AddStackExchangeRedisCache, as its authors would write it: two
/// instances, each talking to a different node, keep one session across requests and across the loss of a node.
/// </summary>
public sealed class SessionAppTests
{
    private static async Task<WebApplication> StartAppAsync(string redisEndpoint, string ip)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{ip}:0");
        builder.Services.AddStackExchangeRedisCache(o => o.Configuration = $"{redisEndpoint},password={TestCluster.AdminKey}");
        builder.Services.AddSession();
        var app = builder.Build();
        app.UseSession();
        app.MapGet("/count", async (HttpContext http) =>
        {
            await http.Session.LoadAsync();
            var count = (http.Session.GetInt32("count") ?? 0) + 1;
            http.Session.SetInt32("count", count);
            await http.Session.CommitAsync();
            return count;
        });
        await app.StartAsync();
        return app;
    }

    private static Uri AddressOf(WebApplication app) => new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    [Fact]
    public async Task A_session_survives_requests_through_different_nodes_and_the_loss_of_a_node()
    {
        await using var cluster = await TestCluster.StartAsync(3, "--resp-listen", $":{RespCluster.Port}", "--request-timeout-ms", "4000");
        await using var first = await StartAppAsync(RespCluster.EndpointOf(cluster.Node(1)), cluster.Node(1).Ip);
        await using var second = await StartAppAsync(RespCluster.EndpointOf(cluster.Node(2)), cluster.Node(2).Ip);
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, UseCookies = true }) { Timeout = TimeSpan.FromSeconds(30) };

        // One cookie for both apps: the session id is what the distributed cache is keyed by.
        async Task<int> CountAsync(WebApplication app)
        {
            var url = AddressOf(app);
            foreach (Cookie cookie in cookies.GetAllCookies()) cookies.Add(url, new Cookie(cookie.Name, cookie.Value, "/", url.Host));
            return int.Parse(await browser.GetStringAsync(new Uri(url, "/count")));
        }

        Assert.Equal(1, await CountAsync(first));
        Assert.Equal(2, await CountAsync(second));
        Assert.Equal(3, await CountAsync(first));
        cluster.Node(3).Kill();
        Assert.Equal(4, await CountAsync(second));
        Assert.Equal(5, await CountAsync(first));
    }
}
