// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;

namespace RaftCache.Codec.Tests;

public sealed class ByteWriterTests
{
    [Fact]
    public void Fixed_width_and_varint_fields_allocate_nothing_once_the_buffer_has_room()
    {
        // Every WAL record and every entry on the wire goes through these writes; a boxed field costs 24 bytes each.
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        Write(buffer); // first use: JIT and tiering allocate once per process
        buffer.ResetWrittenCount();

        var before = GC.GetAllocatedBytesForCurrentThread();
        Write(buffer);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(1000 * (2 + 4 + 4 + 8 + 8 + 2), buffer.WrittenCount);
    }

    private static void Write(ArrayBufferWriter<byte> buffer)
    {
        var w = new ByteWriter(buffer);
        for (var i = 0; i < 1000; i++)
        {
            w.UInt16((ushort)i);
            w.UInt32((uint)i);
            w.Int32(-i);
            w.UInt64((ulong)i << 40);
            w.Int64(-i);
            w.VarUInt(200);
        }
    }
}
