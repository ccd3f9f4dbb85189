// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using RaftCache.Node.Hosting;
using RaftCache.Node.Transport;
using RaftCache.Raft;
using RaftCache.StateMachine;

// The path a replica move takes for one shard (docs/benchmarks.md, section 22): the leader's snapshot file read into a
// sealed snapshot frame, sent over loopback, opened, decoded and restored into a fresh replica. The default shape is
// bench/run-rebalance.sh's: 1 GiB of 4 KiB values over 16 shards, 16,400 values and 68 MB per shard.
//   dotnet run -c Release --project bench/SnapshotTransfer -- [snapshots per round = 10] [values = 16400] [value bytes = 4096]
var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
var values = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 16_400;
var valueBytes = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 4096;

var source = new CacheGroupStateMachine(new StateMachineOptions());
var value = new byte[valueBytes];
for (var i = 1; i <= values; i++)
{
    Random.Shared.NextBytes(value);
    source.Apply((ulong)i, CommandCodec.EncodePut(System.Text.Encoding.UTF8.GetBytes($"v{i:D8}"), value, "application/octet-stream"u8, 0).AsSpan());
}
var file = Path.Combine(Path.GetTempPath(), $"raftcache-snapshot-transfer-{Environment.ProcessId}.snap");
File.WriteAllBytes(file, source.Snapshot());
try
{
    Console.WriteLine($"snapshot of {values} values x {valueBytes} B: {new FileInfo(file).Length / 1e6:F1} MB");
    var secret = PeerCredentials.FromSecret("snapshot transfer bench secret");
    var limits = new PeerLimits { SnapshotBytesPerSecond = 10_000L << 20 }; // the lane's pacing is not what is measured
    var sink = new Sink();
    await using var receiver = new TcpPeerTransport(2, 7, new IPEndPoint(IPAddress.Loopback, 0), limits, secret, NullLogger.Instance);
    await receiver.StartAsync(sink, CancellationToken.None);
    await using var sender = new TcpPeerTransport(1, 7, new IPEndPoint(IPAddress.Loopback, 0), limits, secret, NullLogger.Instance);
    await sender.StartAsync(new Sink(), CancellationToken.None);
    sender.SetPeer(2, receiver.LocalEndPoint.ToString());
    var message = new Message
    {
        Type = MessageType.Snapshot, From = 1, To = 2, Term = 3,
        Snapshot = new Snapshot(new SnapshotMetadata((ulong)values, 3, new ConfState { Voters = [1, 2, 3] }), ReadOnlyMemory<byte>.Empty),
    };
    // Round 1 includes the JIT and the first touch of every buffer; round 2 is the steady state.
    for (var round = 1; round <= 2; round++)
    {
        GC.Collect();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            using (var stream = File.OpenRead(file))
            {
                if (!sender.SendSnapshot(2, new GroupMessage(5, message), (int)stream.Length, destination => stream.ReadExactly(destination)))
                    throw new InvalidOperationException("the snapshot was not queued");
            }
            var received = await sink.NextAsync();
            var replica = new CacheGroupStateMachine(new StateMachineOptions());
            replica.Restore(received.Snapshot!.Data);
            if (replica.AppliedIndex != (ulong)values) throw new InvalidOperationException($"restored to {replica.AppliedIndex}, expected {values}");
        }
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        Console.WriteLine($"round {round}: {count} snapshots, {cpu.TotalMilliseconds / count:F0} ms of CPU and {wall.Elapsed.TotalMilliseconds / count:F0} ms per snapshot");
    }
}
finally
{
    File.Delete(file);
}

internal sealed class Sink : IPeerMessageSink
{
    private readonly Channel<Message> _messages = Channel.CreateUnbounded<Message>();

    public void Deliver(ulong fromNode, IReadOnlyList<GroupMessage> batch)
    {
        foreach (var item in batch) _messages.Writer.TryWrite(item.Message);
    }

    public ValueTask<Message> NextAsync() => _messages.Reader.ReadAsync();
}
