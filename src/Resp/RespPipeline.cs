// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;

namespace RaftCache.Resp;

/// <summary>
/// Runs the commands of one pipelined batch that touch a single shard each side by side, so a batch waits for as many
/// commits as it has shards, not as it has commands. Commands of the same shard still run one after the other in the
/// order sent (a GET after a SET of the same key sees it), every reply is buffered and written in the order of the
/// commands, and a command that must run alone (connection, admin, multi-shard) first waits for all before it.
/// Redis Cluster gives the same order: per slot, not across them.
/// </summary>
internal sealed class RespPipeline(RespSession session, RespWriter writer)
{
    private readonly List<(Task Run, RespSession Child, ArrayBufferWriter<byte> Output)> _pending = [];
    private readonly Dictionary<int, Task> _lastOfShard = [];

    public void Start(int shard, byte[][] args)
    {
        var output = new ArrayBufferWriter<byte>(128);
        var child = session.Fork(new RespWriter(output));
        var run = RunAfterAsync(_lastOfShard.GetValueOrDefault(shard, Task.CompletedTask), child, args);
        _lastOfShard[shard] = run;
        _pending.Add((run, child, output));
    }

    /// <summary>Waits for every started command and writes their replies in order; none after one that closed the connection.</summary>
    public async Task DrainAsync()
    {
        try
        {
            foreach (var (run, child, output) in _pending)
            {
                await run;
                if (session.Closing) continue;
                writer.Raw(output.WrittenSpan);
                session.Adopt(child);
            }
        }
        finally
        {
            _pending.Clear();
            _lastOfShard.Clear();
        }
    }

    private static async Task RunAfterAsync(Task previous, RespSession child, byte[][] args)
    {
        await previous;
        await child.ExecuteAsync(args);
    }
}
