// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;

namespace RaftCache.Node.Requests;

/// <summary>
/// A growable byte buffer rented from <see cref="ArrayPool{T}.Shared"/>: what a request encodes (a reply body, a
/// command) is written once into pooled memory and the memory goes back to the pool when the owner is done, so a
/// request leaves no body-sized garbage behind. Not thread-safe; <see cref="Dispose"/> exactly once, after the last
/// read of <see cref="WrittenMemory"/>.
/// </summary>
public sealed class PooledBuffer(int initialCapacity = 256) : IBufferWriter<byte>, IDisposable
{
    /// <summary>Largest buffer this grows to (the largest frame or value is far below); beyond it a write throws.</summary>
    public const int MaxBytes = 1 << 30;

    private byte[] _array = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 16));
    private int _written;

    public int WrittenCount => _written;

    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, _written);

    public ReadOnlySpan<byte> WrittenSpan => _array.AsSpan(0, _written);

    public void Advance(int count)
    {
        if ((uint)count > (uint)(_array.Length - _written)) throw new ArgumentOutOfRangeException(nameof(count), count, "beyond the span given");
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(_written);
    }

    /// <summary>Forgets what was written, keeping the rented memory.</summary>
    public void Reset() => _written = 0;

    public void Dispose()
    {
        var array = _array;
        _array = [];
        _written = 0;
        if (array.Length > 0) ArrayPool<byte>.Shared.Return(array);
    }

    private void Ensure(int sizeHint)
    {
        var needed = (long)_written + Math.Max(sizeHint, 1);
        if (needed <= _array.Length) return;
        if (needed > MaxBytes) throw new InvalidOperationException($"a pooled buffer is limited to {MaxBytes} bytes");
        var grown = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(needed, (long)_array.Length * 2), MaxBytes));
        _array.AsSpan(0, _written).CopyTo(grown);
        if (_array.Length > 0) ArrayPool<byte>.Shared.Return(_array);
        _array = grown;
    }
}
