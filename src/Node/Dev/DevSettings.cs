// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;
using System.Net;

namespace RaftCache.Node.Dev;

/// <summary>
/// The options of <c>raftcache dev</c>. <see cref="Host"/> is a loopback address (default 127.0.0.1): node N serves
/// REST on port 5000+N and peers on 6000+N, the gateway on 5000.
/// </summary>
public sealed record DevSettings(int Nodes, string DataDir, bool Fresh, bool NoAuth, string Host)
{
    public const int MaxNodes = 9;

    public string RestUrl(int id) => $"http://{Host}:{5000 + id}";

    public string PeerAddress(int id) => $"{Host}:{6000 + id}";

    /// <summary>Node N's RESP endpoint: Redis's port plus N, so node 1 is 6380.</summary>
    public string RespAddress(int id) => $"{Host}:{6379 + id}";

    public string GatewayUrl => $"http://{Host}:5000";

    public string LogPath(int id) => Path.Combine(DataDir, id == 0 ? "gateway.log" : $"node-{id}.log");

    public static bool TryParse(string[] args, out DevSettings settings, out string error)
    {
        settings = new DevSettings(3, "raftcache-dev-data", false, false, "127.0.0.1");
        error = "";
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--fresh":
                    settings = settings with { Fresh = true };
                    break;
                case "--no-auth":
                    settings = settings with { NoAuth = true };
                    break;
                case "--nodes" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxNodes:
                    settings = settings with { Nodes = n };
                    i++;
                    break;
                case "--data-dir" when i + 1 < args.Length:
                    settings = settings with { DataDir = args[++i] };
                    break;
                case "--host" when i + 1 < args.Length && IPAddress.TryParse(args[i + 1], out var ip) && IPAddress.IsLoopback(ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork:
                    settings = settings with { Host = args[++i] };
                    break;
                default:
                    error = $"unknown or incomplete option {args[i]} (--nodes takes 1 to {MaxNodes}, --host a 127.x.y.z address)";
                    return false;
            }
        }
        return true;
    }
}
