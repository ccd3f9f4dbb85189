// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace RaftCache.StateMachine.Bench;

/// <summary>
/// Loads the same keys into a Redis started here (127.0.0.1, a free port, no persistence) and reads
/// <c>INFO memory</c> used_memory before and after. Stops exactly the process it started.
/// </summary>
internal static class RedisBench
{
    public static void Run(IReadOnlyList<OverheadBench.Result> ours)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("redis-server") { UseShellExecute = false };
        foreach (var arg in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning" })
        {
            start.ArgumentList.Add(arg);
        }

        using var redis = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        try
        {
            using var client = Connect(port);
            var version = Info(client, "server").Split('\n').First(l => l.StartsWith("redis_version:", StringComparison.Ordinal)).Trim();
            Console.WriteLine($"redis-server pid {redis.Id} on 127.0.0.1:{port} ({version}), --save '' --appendonly no");
            foreach (var result in ours)
            {
                Command(client, "FLUSHALL");
                var before = UsedMemory(client);
                Load(client, result.Keys);
                Thread.Sleep(2_000); // lets Redis finish incremental rehashing of its key table before measuring
                var after = UsedMemory(client);
                var perKey = (double)(after - before - result.PayloadBytes) / result.Keys;
                Console.WriteLine(
                    $"redis {result.Keys:N0} keys x 1 KiB: used_memory +{(after - before) / 1048576.0:N1} MiB, overhead {perKey:N1} B/key " +
                    $"(raftcache {result.OverheadPerKey:N1} B/key)");
            }
        }
        finally
        {
            redis.Kill();
            redis.WaitForExit(10_000);
        }
    }

    private static void Load(RespClient client, int keys)
    {
        const int Batch = 1_000;
        for (var first = 0; first < keys; first += Batch)
        {
            var count = Math.Min(Batch, keys - first);
            for (var i = first; i < first + count; i++)
            {
                client.Send("SET"u8.ToArray(), Keys.Key(i), Keys.Value(i));
            }

            client.Flush();
            for (var i = 0; i < count; i++)
            {
                var reply = client.ReadLine();
                if (reply != "+OK")
                {
                    throw new InvalidOperationException($"SET replied {reply}");
                }
            }
        }
    }

    private static long UsedMemory(RespClient client) => long.Parse(
        Info(client, "memory").Split('\n').First(l => l.StartsWith("used_memory:", StringComparison.Ordinal))["used_memory:".Length..].Trim(),
        CultureInfo.InvariantCulture);

    private static string Info(RespClient client, string section)
    {
        client.Send("INFO"u8.ToArray(), System.Text.Encoding.ASCII.GetBytes(section));
        client.Flush();
        return client.ReadBulk();
    }

    private static void Command(RespClient client, string command)
    {
        client.Send(System.Text.Encoding.ASCII.GetBytes(command));
        client.Flush();
        client.ReadLine();
    }

    private static RespClient Connect(int port)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                return new RespClient(new IPEndPoint(IPAddress.Loopback, port));
            }
            catch (SocketException)
            {
                Thread.Sleep(100);
            }
        }

        throw new InvalidOperationException($"redis-server did not accept connections on port {port} within 10 s");
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
