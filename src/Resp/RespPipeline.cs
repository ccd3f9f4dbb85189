// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;

namespace RaftCache.Resp;

/// <summary>
/// Runs the commands of one pipelined batch whose keys lie in a single hash slot side by side: writes that reach the
/// host together are appended and fsynced together, so a batch waits for about one commit round, not one per command. Commands
/// of the same slot still run one after the other in the order sent (a GET after a SET of the same key sees it),
/// every reply is buffered and written in the order of the commands, and a command that must run alone (connection,
/// admin, several slots) first waits for all before it. Redis Cluster gives the same order: per slot, not across
/// them. One instance serves a connection for its whole life, reusing its reply buffers.
/// </summary>
internal sealed class RespPipeline(RespSession session, RespWriter writer)
{
    // Reply buffers kept between batches; one larger than this is dropped rather than held for the connection's life.
    private const int KeptBufferBytes = 64 * 1024;
    private readonly List<(Task Run, RespSession Child, ArrayBufferWriter<byte> Output)> _pending = [];
    private readonly Dictionary<int, Task> _lastOfSlot = [];
    private readonly Stack<ArrayBufferWriter<byte>> _spare = [];

    public void Start(int slot, byte[][] args)
    {
        var output = _spare.TryPop(out var kept) ? kept : new ArrayBufferWriter<byte>(256);
        var child = session.Fork(new RespWriter(output));
        var run = _lastOfSlot.TryGetValue(slot, out var previous) ? RunAfterAsync(previous, child, args) : child.ExecuteAsync(args);
        _lastOfSlot[slot] = run;
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
            foreach (var (_, _, output) in _pending)
            {
                if (output.Capacity > KeptBufferBytes) continue;
                output.ResetWrittenCount();
                _spare.Push(output);
            }

            _pending.Clear();
            _lastOfSlot.Clear();
        }
    }

    private static async Task RunAfterAsync(Task previous, RespSession child, byte[][] args)
    {
        await previous;
        await child.ExecuteAsync(args);
    }
}
