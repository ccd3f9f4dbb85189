// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.IO.Pipelines;
using System.Net;

namespace RaftCache.Resp;

/// <summary>
/// One client connection. Pipelining: every complete command in what arrived is parsed and run (commands of
/// different slots side by side, see <see cref="RespPipeline"/>), answered in order, and the replies of the batch
/// are flushed together with one write. A batch is what the client sent before waiting: when a read ends inside a
/// command and more bytes have already arrived (<paramref name="moreArrived"/>, the socket's count of unread bytes),
/// they are read before the batch runs, so a pipeline larger than one read (16 SETs of 1 KiB) is one batch whose
/// writes share a commit, not one batch per read. A protocol error is answered with one <c>-ERR</c> and closes this
/// connection only.
/// </summary>
public sealed class RespConnection(
    Stream stream, IRespBackend backend, RespOptions options, IPAddress? remote, long id, CancellationToken stopping, Func<bool>? moreArrived = null)
{
    /// <summary>Most bytes one read asks the stream for.</summary>
    public const int ReadBufferBytes = 16 * 1024;

    public async Task RunAsync()
    {
        var input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: ReadBufferBytes));
        var output = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        var writer = new RespWriter(output);
        var session = new RespSession(backend, options, writer, remote, id) { Aborted = stopping };
        var batch = new List<byte[][]>();
        var pipeline = new RespPipeline(session, writer);
        long gathered = 0;
        try
        {
            while (!session.Closing)
            {
                var read = await input.ReadAsync(stopping);
                var buffer = read.Buffer;
                string? protocolError = null;
                try
                {
                    while (batch.Count < options.Limits.MaxPipelineBatch && RespParser.TryParse(ref buffer, options.Limits, out var args))
                    {
                        batch.Add(args);
                    }
                }
                catch (RespProtocolException e)
                {
                    protocolError = e.Message;
                }

                gathered += read.Buffer.Length - buffer.Length;
                // A full batch leaves complete commands behind: mark them unexamined so the next read returns at once.
                var full = batch.Count >= options.Limits.MaxPipelineBatch;
                if (full) input.AdvanceTo(buffer.Start);
                else input.AdvanceTo(buffer.Start, buffer.End);
                // The rest of the batch is already here: gather it (without waiting) before running any of it. Asked only
                // when the read ended inside a command or filled the buffer, so pipeline 1 costs no extra system call.
                var mayGather = protocolError is null && !full && !read.IsCompleted && batch.Count > 0
                    && gathered < options.Limits.MaxGatheredBatchBytes && (buffer.Length > 0 || read.Buffer.Length >= ReadBufferBytes);
                if (mayGather && moreArrived?.Invoke() == true) continue;

                // One command (pipeline 1) has nothing to overlap with: it runs on the session and replies straight into
                // the output pipe, with no forked session or reply buffer.
                foreach (var args in batch)
                {
                    if (batch.Count > 1 && session.OverlapSlot(args) is var slot and >= 0)
                    {
                        pipeline.Start(slot, args);
                        continue;
                    }

                    await pipeline.DrainAsync();
                    if (session.Closing) break;
                    await session.ExecuteAsync(args);
                    if (session.Closing) break;
                }

                await pipeline.DrainAsync();

                batch.Clear();
                gathered = 0;
                if (protocolError is not null)
                {
                    writer.Error("ERR " + protocolError);
                    session.Closing = true;
                }

                await output.FlushAsync(stopping);
                if (read.IsCompleted && !full) break;
            }
        }
        finally
        {
            await input.CompleteAsync();
            await output.CompleteAsync();
        }
    }
}
