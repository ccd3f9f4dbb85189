// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics.CodeAnalysis;

namespace RaftCache.Resp;

/// <summary>
/// The bytes a client sent are not RESP, or break a limit: the connection answers one <c>-ERR</c> with
/// <see cref="Exception.Message"/> and is closed; other connections are untouched.
/// </summary>
public sealed class RespProtocolException(string message) : Exception(message)
{
    [DoesNotReturn]
    internal static void Throw(string message) => throw new RespProtocolException(message);
}
