// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Api;

namespace RaftCache.Node.Gateway;

/// <summary>
/// <c>raftcache gateway</c>: one address for clients that know only one. It talks to the members over HTTP only:
/// discovery and health through <see cref="MemberDirectory"/>, requests through <see cref="GatewayForwarder"/>.
/// <c>GET /gateway/members</c> shows what it currently knows; every other path goes to a member.
/// </summary>
public static class GatewayProgram
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Any(a => a is "-h" or "--help"))
        {
            Console.WriteLine(GatewayOptions.Usage);
            return 0;
        }
        var options = GatewayOptions.Parse(args, Environment.GetEnvironmentVariable, out var error);
        if (options is null)
        {
            Console.Error.WriteLine($"raftcache gateway: {error}");
            Console.Error.WriteLine(GatewayOptions.Usage);
            return 2;
        }
        if (options.DiscoveryKey is null)
            Console.Error.WriteLine($"raftcache gateway: no discovery key ({GatewayOptions.DiscoveryKeyVariable} or --discovery-key-file): unless the cluster runs without authentication, it routes to the seeds only and does not follow members added later");
        await Build(options).RunAsync();
        return 0;
    }

    public static WebApplication Build(GatewayOptions options)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(options.Listen);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = options.MaxBodyBytes;
            k.Limits.MaxConcurrentConnections = options.MaxConnections;
        });
        builder.Services.AddSingleton(options);
        builder.Services.AddHttpForwarder();
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<SessionNumbering>();
        builder.Services.AddSingleton(sp => new MemberDirectory(
            options,
            new HttpClient(new SocketsHttpHandler { ConnectTimeout = MemberDirectory.ProbeTimeout, UseProxy = false }) { Timeout = MemberDirectory.ProbeTimeout * 2 },
            sp.GetRequiredService<ILogger<MemberDirectory>>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MemberDirectory>());
        builder.Services.AddSingleton<GatewayForwarder>();
        var app = builder.Build();
        app.MapGet("/gateway/members", (MemberDirectory directory) => TypedResults.Ok(directory.View));
        var forwarder = app.Services.GetRequiredService<GatewayForwarder>();
        app.Map("/{**path}", forwarder.HandleAsync);
        return app;
    }
}
