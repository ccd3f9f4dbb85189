// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Codec;

/// <summary>
/// The exception a layer throws for bytes it cannot accept. <see cref="ByteReader{TErrors}"/> is generic over it, so
/// the transport still fails with its protocol exception and the state machine with its format exception, and the
/// JIT specialises each reader (no virtual call on the hot path).
/// </summary>
public interface IFormatErrors
{
    static abstract Exception Create(string message);
}

/// <summary>Bad bytes become a <see cref="FormatException"/> (the WAL payloads, configuration changes, backup records).</summary>
public sealed class FormatErrors : IFormatErrors
{
    private FormatErrors()
    {
    }

    public static Exception Create(string message) => new FormatException(message);
}
