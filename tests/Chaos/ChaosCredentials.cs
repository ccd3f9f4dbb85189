// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Security.Cryptography;

namespace RaftCache.Chaos;

/// <summary>
/// The credentials of every chaos node, random per test process. A class of their own, so they are initialised on
/// first use whatever the order of static initialisers in the classes that use them.
/// </summary>
internal static class ChaosCredentials
{
    public static readonly string AdminKey = "chaos-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    public static readonly string ClusterSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
