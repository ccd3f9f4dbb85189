// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Text;
using RaftCache.StateMachine;

namespace RaftCache.Resp.Tests.Protocol;

/// <summary>
/// A backend with one shard whose writes finish only when the test completes them, so a test sees which writes of a
/// pipelined batch are in flight together. The slot of a key is its last byte, its shard the slot's parity. A GET
/// answers at once with the value of the key's last completed write. Only what a pipeline of SET, GET and ECHO needs
/// is served; everything else throws.
/// </summary>
internal sealed class HeldWritesBackend : IRespBackend
{
    private readonly Lock _gate = new();
    private readonly List<Write> _started = [];

    public sealed record Write(string What, bool EarlierOfKeyDone, TaskCompletionSource<RespWriteResult> Done);

    public IReadOnlyList<Write> Started
    {
        get
        {
            lock (_gate) return [.. _started];
        }
    }

    public bool AuthEnabled => false;

    public long NowMs => 1_000;

    public ulong NodeId => 1;

    public int CredentialsGeneration => 0;

    public int ShardOfKey(ReadOnlySpan<byte> key) => key[^1] % 2;

    public int SlotOfKey(ReadOnlySpan<byte> key) => key[^1];

    public Task<RespWriteResult> WriteAsync(int shard, Func<ClientSession, long, byte[]> encode, RespCaller caller, CancellationToken cancellationToken)
    {
        var command = CommandCodec.Decode(encode(new ClientSession(1, 1, 1), NowMs));
        var key = Encoding.UTF8.GetString(command.Key);
        var write = new Write($"{key}={Encoding.UTF8.GetString(command.Value)}", false, new TaskCompletionSource<RespWriteResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_gate)
        {
            write = write with { EarlierOfKeyDone = _started.Where(w => w.What.StartsWith(key + "=", StringComparison.Ordinal)).All(w => w.Done.Task.IsCompleted) };
            _started.Add(write);
        }

        return write.Done.Task;
    }

    public void Complete(string what)
    {
        lock (_gate) _started.Single(w => w.What == what).Done.SetResult(new RespWriteResult(RespWriteStatus.Applied, new ApplyResult(ApplyStatus.Applied, 1, 0)));
    }

    /// <summary>Polls until at least <paramref name="count"/> writes have started.</summary>
    public async Task WaitForWritesAsync(int count, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (Started.Count < count)
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"{Started.Count} writes started, expected {count}");
            await Task.Delay(5);
        }
    }

    public void RecordCommand(string command, bool failed, double seconds)
    {
    }

    public RespCaller? Authenticate(string key) => throw new NotSupportedException();

    public bool IsCurrent(RespCaller caller) => true;

    public bool IsAuthBlocked(IPAddress? address) => false;

    public void RecordAuthFailure(IPAddress? address) => throw new NotSupportedException();

    public Task<RespReadResult> ReadAsync(int shard, byte[] key, RespConsistency consistency, RespCaller caller, CancellationToken cancellationToken)
    {
        var prefix = Encoding.UTF8.GetString(key) + "=";
        lock (_gate)
        {
            var last = _started.LastOrDefault(w => w.What.StartsWith(prefix, StringComparison.Ordinal) && w.Done.Task.IsCompleted);
            return Task.FromResult(last is null
                ? new RespReadResult(RespReadStatus.NotFound, null)
                : new RespReadResult(RespReadStatus.Found, new RespEntry(Encoding.UTF8.GetBytes(last.What[prefix.Length..]), CacheStateMachine.RawContentType.ToArray(), 1, null)));
        }
    }

    public Task<(bool Done, string? Error)> FlushAllAsync(RespCaller caller, CancellationToken cancellationToken) => throw new NotSupportedException();

    public IReadOnlyList<byte[]>? ListKeys(int shard, byte[]? after, int limit) => throw new NotSupportedException();

    public IReadOnlyList<RespShard> Shards() => throw new NotSupportedException();

    public Task<IReadOnlyDictionary<int, long>> LocalKeyCountsAsync() => throw new NotSupportedException();

    public Task<IReadOnlyList<KeyValuePair<string, string>>> InfoAsync() => throw new NotSupportedException();
}
