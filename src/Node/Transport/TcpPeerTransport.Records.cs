// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.Threading.Channels;

namespace RaftCache.Node.Transport;

public sealed partial class TcpPeerTransport
{
    private sealed partial class PeerSender
    {
        // Takes queued frames into records of up to PeerRecord.MaxBytes, sealed into the output, until the output holds
        // CoalesceBytes or the queue is empty; a frame that cannot join a record (too large) is sealed alone. A record
        // of one frame is sent as that frame: nothing to share.
        private int SealRecords(ChannelReader<byte[]> reader, PeerChannel channel, ArrayBufferWriter<byte> record, ArrayBufferWriter<byte> output)
        {
            var frames = 0;
            while (output.WrittenCount < CoalesceBytes && reader.TryPeek(out _))
            {
                record.ResetWrittenCount();
                var inRecord = 0;
                while (reader.TryPeek(out var frame) && PeerRecord.Fits(frame, record.WrittenCount) && reader.TryRead(out _))
                {
                    Interlocked.Add(ref _queuedBytes, -frame.Length);
                    record.Write(frame);
                    inRecord++;
                }
                if (inRecord == 0 && reader.TryRead(out var alone))
                {
                    Interlocked.Add(ref _queuedBytes, -alone.Length);
                    channel.Seal(alone, output);
                    frames++;
                    continue;
                }
                if (inRecord == 1) channel.Seal(record.WrittenSpan, output);
                else channel.SealRecord(record.WrittenSpan, output);
                frames += inRecord;
            }
            return frames;
        }
    }
}
