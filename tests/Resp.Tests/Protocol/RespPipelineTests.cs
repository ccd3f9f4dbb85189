// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Text;

namespace RaftCache.Resp.Tests.Protocol;

/// <summary>
/// One connection over an in-memory duplex stream, against a backend whose writes finish only when the test says so:
/// what runs side by side in a pipelined batch, and in what order replies come back.
/// </summary>
public sealed class RespPipelineTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static byte[] Frame(params string[][] commands)
    {
        var frame = new StringBuilder();
        foreach (var args in commands)
        {
            frame.Append('*').Append(args.Length).Append("\r\n");
            foreach (var arg in args) frame.Append('$').Append(arg.Length).Append("\r\n").Append(arg).Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(frame.ToString());
    }

    [Fact]
    public async Task Writes_of_one_shard_in_different_slots_run_side_by_side_and_one_slots_writes_in_order()
    {
        var backend = new HeldWritesBackend();
        await using var link = DuplexLink.Start(backend);

        // All keys are on one shard; the last character is the slot: a1 and a2 differ, the second a1 must wait.
        await link.SendAsync(Frame(["SET", "a1", "x"], ["SET", "a2", "y"], ["SET", "a1", "z"]));
        await backend.WaitForWritesAsync(2, Patience);
        Assert.Equal(["a1=x", "a2=y"], backend.Started.Select(w => w.What));

        backend.Complete("a2=y");
        backend.Complete("a1=x");
        await backend.WaitForWritesAsync(3, Patience);
        var third = backend.Started[2];
        Assert.Equal("a1=z", third.What);
        Assert.True(third.EarlierOfKeyDone, "the second write of a1 started before the first finished");
        backend.Complete("a1=z");

        Assert.Equal("+OK\r\n+OK\r\n+OK\r\n", await link.ReadAsync(15, Patience));
    }

    [Fact]
    public async Task A_single_command_replies_and_a_barrier_waits_for_the_writes_before_it()
    {
        var backend = new HeldWritesBackend();
        await using var link = DuplexLink.Start(backend);
        await link.SendAsync(Frame(["SET", "b1", "x"]));
        await backend.WaitForWritesAsync(1, Patience);
        backend.Complete("b1=x");
        Assert.Equal("+OK\r\n", await link.ReadAsync(5, Patience));

        // ECHO runs alone: its reply follows the write's even though it could answer at once.
        await link.SendAsync(Frame(["SET", "b2", "y"], ["ECHO", "e"], ["SET", "b3", "z"]));
        await backend.WaitForWritesAsync(2, Patience);
        backend.Complete("b2=y");
        await backend.WaitForWritesAsync(3, Patience);
        backend.Complete("b3=z");
        Assert.Equal("+OK\r\n$1\r\ne\r\n+OK\r\n", await link.ReadAsync(17, Patience));
    }

    [Fact]
    public async Task Replies_of_pipelined_reads_and_writes_across_shards_come_in_the_order_sent()
    {
        var backend = new HeldWritesBackend();
        await using var link = DuplexLink.Start(backend);

        // a1 and b2 are on different shards; each GET follows the SET of its key, c3 was never written.
        await link.SendAsync(Frame(["SET", "a1", "x"], ["GET", "a1"], ["SET", "b2", "y"], ["GET", "b2"], ["GET", "c3"]));
        await backend.WaitForWritesAsync(2, Patience);
        Assert.Equal(["a1=x", "b2=y"], backend.Started.Select(w => w.What));
        backend.Complete("b2=y");
        backend.Complete("a1=x");

        Assert.Equal("+OK\r\n$1\r\nx\r\n+OK\r\n$1\r\ny\r\n$-1\r\n", await link.ReadAsync(29, Patience));
    }

    [Fact]
    public async Task A_pipeline_larger_than_one_read_runs_as_one_batch_when_the_rest_has_arrived()
    {
        var backend = new HeldWritesBackend();
        // redis-benchmark -P 16 -d 1024: about 17 KiB in one write, more than one 16 KiB read of the connection takes.
        await using var link = DuplexLink.Start(backend);
        var value = new string('v', 1024);
        var keys = Enumerable.Range(0, 16).Select(i => $"k{(char)('a' + i)}").ToArray();
        var frame = Frame([.. keys.Select(k => new[] { "SET", k, value })]);
        Assert.True(frame.Length > RespConnection.ReadBufferBytes);
        await link.SendAsync(frame);

        // All sixteen writes are in flight together: one commit round for the batch, not one per read.
        await backend.WaitForWritesAsync(keys.Length, Patience);
        foreach (var key in keys.Reverse()) backend.Complete($"{key}={value}");
        Assert.Equal(string.Concat(Enumerable.Repeat("+OK\r\n", keys.Length)), await link.ReadAsync(5 * keys.Length, Patience));
    }

    [Fact]
    public async Task Gathering_a_batch_stops_at_its_byte_limit_and_the_rest_runs_next()
    {
        var backend = new HeldWritesBackend();
        var limits = new RespLimits { MaxGatheredBatchBytes = 10 * 1024 };
        await using var link = DuplexLink.Start(backend, maxRead: 4096, limits);
        var value = new string('u', 8 * 1024);
        var keys = Enumerable.Range(0, 6).Select(i => $"g{(char)('a' + i)}").ToArray();
        await link.SendAsync(Frame([.. keys.Select(k => new[] { "SET", k, value })]));

        // Each batch ends at the command that passes 10 KiB: two commands run, and the next two wait for them.
        for (var first = 0; first < keys.Length; first += 2)
        {
            await backend.WaitForWritesAsync(first + 2, Patience);
            Assert.Equal(first + 2, backend.Started.Count);
            foreach (var write in backend.Started.Skip(first)) backend.Complete(write.What);
        }

        Assert.Equal(string.Concat(Enumerable.Repeat("+OK\r\n", keys.Length)), await link.ReadAsync(5 * keys.Length, Patience));
    }

    [Fact]
    public async Task A_command_is_answered_while_the_next_one_is_still_incomplete()
    {
        var backend = new HeldWritesBackend();
        await using var link = DuplexLink.Start(backend, maxRead: 4096);
        var value = new string('w', 6 * 1024);
        var next = Frame(["SET", "m2", value]);

        // The client sent one whole command and half of the next, then waits: nothing more has arrived, so the first runs.
        await link.SendAsync([.. Frame(["SET", "m1", value]), .. next.AsSpan(0, next.Length / 2)]);
        await backend.WaitForWritesAsync(1, Patience);
        backend.Complete($"m1={value}");
        Assert.Equal("+OK\r\n", await link.ReadAsync(5, Patience));

        await link.SendAsync(next[(next.Length / 2)..]);
        await backend.WaitForWritesAsync(2, Patience);
        backend.Complete($"m2={value}");
        Assert.Equal("+OK\r\n", await link.ReadAsync(5, Patience));
    }

    /// <summary>
    /// A connection served by <see cref="RespConnection"/> over two in-memory pipes; reads return at most
    /// <c>maxRead</c> bytes, and the connection learns whether more has arrived from the bytes sent but not yet read.
    /// </summary>
    private sealed class DuplexLink : IAsyncDisposable
    {
        private readonly System.IO.Pipelines.Pipe _toServer = new();
        private readonly System.IO.Pipelines.Pipe _toClient = new();
        private readonly CancellationTokenSource _stop = new();
        private Task _serving = Task.CompletedTask;
        private long _sent;

        public static DuplexLink Start(IRespBackend backend, int maxRead = int.MaxValue, RespLimits? limits = null)
        {
            var link = new DuplexLink();
            var stream = new DuplexStream(link._toServer.Reader.AsStream(), link._toClient.Writer.AsStream(), maxRead);
            var options = new RespOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0), Limits = limits ?? new RespLimits() };
            link._serving = new RespConnection(stream, backend, options, IPAddress.Loopback, 1, link._stop.Token,
                () => Interlocked.Read(ref link._sent) > stream.Received).RunAsync();
            return link;
        }

        public async Task SendAsync(byte[] bytes)
        {
            Interlocked.Add(ref _sent, bytes.Length);
            await _toServer.Writer.WriteAsync(bytes);
        }

        /// <summary>Exactly <paramref name="length"/> bytes of replies, as text.</summary>
        public async Task<string> ReadAsync(int length, TimeSpan patience)
        {
            using var timeout = new CancellationTokenSource(patience);
            while (true)
            {
                var read = await _toClient.Reader.ReadAsync(timeout.Token);
                if (read.Buffer.Length >= length || read.IsCompleted)
                {
                    var text = Encoding.UTF8.GetString(read.Buffer.Slice(0, Math.Min(length, read.Buffer.Length)));
                    _toClient.Reader.AdvanceTo(read.Buffer.GetPosition(Math.Min(length, read.Buffer.Length)));
                    return text;
                }

                _toClient.Reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _toServer.Writer.CompleteAsync();
            await _serving.WaitAsync(TimeSpan.FromSeconds(10));
            _stop.Dispose();
        }
    }

    private sealed class DuplexStream(Stream input, Stream output, int maxRead) : Stream
    {
        private long _received;

        public long Received => Interlocked.Read(ref _received);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => output.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => output.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await input.ReadAsync(buffer[..Math.Min(buffer.Length, maxRead)], cancellationToken);
            Interlocked.Add(ref _received, read);
            return read;
        }

        public override void Write(byte[] buffer, int offset, int count) => output.Write(buffer, offset, count);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => output.WriteAsync(buffer, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
