// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;

namespace RaftCache.Node.Dev;

public static partial class DevCluster
{
    private static void PrintEndpoints(DevSettings settings, DevCredentials credentials, IReadOnlyList<DevChild> children, string environmentFile)
    {
        var gateway = settings.GatewayUrl;
        Console.WriteLine("raftcache dev: cluster ready");
        Console.WriteLine($"  gateway: {gateway}   (one address for clients: it follows the members and survives the loss of any node)");
        foreach (var node in children.Where(c => c.Id > 0))
            Console.WriteLine($"  node {node.Id}: {settings.RestUrl(node.Id)}   redis://{settings.RespAddress(node.Id)}   peers {settings.PeerAddress(node.Id)}   pid {node.Process.Id}   log {settings.LogPath(node.Id)}");
        Console.WriteLine($"  Swagger UI: {settings.RestUrl(1)}/swagger   OpenAPI: {settings.RestUrl(1)}/openapi/v1.json");
        var auth = settings.NoAuth ? "" : " -H \"X-Api-Key: $RAFTCACHE_KEY\"";
        if (settings.NoAuth)
        {
            Console.WriteLine();
            Console.WriteLine("  !!! WARNING: AUTHENTICATION IS OFF (--no-auth). Anyone who can reach 127.0.0.1 on this machine can read,");
            Console.WriteLine("  !!! write and flush this cluster. The nodes listen on loopback only; never use --no-auth anywhere else.");
            Console.WriteLine();
        }
        else
        {
            Console.WriteLine($"  admin API key: {credentials.AdminKey}   (saved in {credentials.Path}; --fresh makes a new one)");
            Console.WriteLine($"  try: export RAFTCACHE_KEY={credentials.AdminKey}");
        }
        Console.WriteLine($"       curl -X PUT {gateway}/keys/hello{auth} -H 'Content-Type: application/json' -d '{{\"data\": \"world\", \"ttl_seconds\": 600}}'");
        Console.WriteLine($"       curl {gateway}/keys/hello{auth}");
        var redisAuth = settings.NoAuth ? "" : " -a \"$RAFTCACHE_KEY\" --no-auth-warning";
        Console.WriteLine($"       redis-cli -h {settings.Host} -p {6379 + 1}{redisAuth} SET hello world EX 600   # the Redis protocol, any node");
        if (!settings.NoAuth)
            Console.WriteLine($"       curl -X POST {gateway}/login -H 'Content-Type: application/json' -d \"{{\\\"api_key\\\": \\\"$RAFTCACHE_KEY\\\"}}\"   # a 15-minute bearer token");
        var next = NextFreeId(settings);
        if (next <= DevSettings.MaxNodes)
        {
            string[] join =
            [
                "--listen", settings.RestUrl(next), "--peer-listen", settings.PeerAddress(next), "--resp-listen", settings.RespAddress(next),
                "--data-dir", Path.Combine(settings.DataDir, $"node-{next}"), "--join", settings.RestUrl(1),
                .. settings.NoAuth ? ["--no-auth"] : Array.Empty<string>(),
            ];
            Console.WriteLine("  grow the cluster: start a fresh node joining it (another terminal), then add it:");
            Console.WriteLine($"       {CommandLine(environmentFile, join)}");
            Console.WriteLine($"       curl -X POST {gateway}/admin/members{auth} -H 'Content-Type: application/json' -d '{{\"address\": \"{settings.RestUrl(next)}\"}}'");
        }
        Console.WriteLine("  Kill a node to watch the others keep serving; Enter starts it again. Ctrl-C stops the cluster.");
        Console.WriteLine(settings.NoAuth ? "" : "  In Swagger UI, press Authorize and paste the key into ApiKey.");
    }

    /// <summary>The first node number past this cluster's whose data folder is unused (an earlier joiner keeps its own).</summary>
    private static int NextFreeId(DevSettings settings)
    {
        var id = settings.Nodes + 1;
        while (id <= DevSettings.MaxNodes && Directory.Exists(Path.Combine(settings.DataDir, "node-" + id.ToString(CultureInfo.InvariantCulture)))) id++;
        return id;
    }
}
