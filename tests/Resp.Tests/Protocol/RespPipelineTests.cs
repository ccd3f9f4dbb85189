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

    /// <summary>A connection served by <see cref="RespConnection"/> over two in-memory pipes.</summary>
    private sealed class DuplexLink : IAsyncDisposable
    {
        private readonly System.IO.Pipelines.Pipe _toServer = new();
        private readonly System.IO.Pipelines.Pipe _toClient = new();
        private readonly CancellationTokenSource _stop = new();
        private Task _serving = Task.CompletedTask;

        public static DuplexLink Start(IRespBackend backend)
        {
            var link = new DuplexLink();
            var stream = new DuplexStream(link._toServer.Reader.AsStream(), link._toClient.Writer.AsStream());
            var options = new RespOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) };
            link._serving = new RespConnection(stream, backend, options, IPAddress.Loopback, 1, link._stop.Token).RunAsync();
            return link;
        }

        public async Task SendAsync(byte[] bytes) => await _toServer.Writer.WriteAsync(bytes);

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

    private sealed class DuplexStream(Stream input, Stream output) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => output.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => output.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => input.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => input.ReadAsync(buffer, cancellationToken);
        public override void Write(byte[] buffer, int offset, int count) => output.Write(buffer, offset, count);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => output.WriteAsync(buffer, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
