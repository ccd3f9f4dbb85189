// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Codec;

namespace RaftCache.StateMachine;

/// <summary>
/// A command or snapshot is malformed, truncated, corrupted or of an unknown format version.
/// Thrown before any state changes: a rejected command or snapshot leaves the state machine as it was.
/// </summary>
public sealed class StateMachineFormatException : Exception, IFormatErrors
{
    static Exception IFormatErrors.Create(string message) => new StateMachineFormatException(message);

    public StateMachineFormatException()
    {
    }

    public StateMachineFormatException(string message)
        : base(message)
    {
    }

    public StateMachineFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
