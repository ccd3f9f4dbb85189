// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Configuration;

/// <summary>A founding member: its id and peer address.</summary>
public readonly record struct InitialMember(ulong Id, string PeerAddress);

/// <summary>Parses <see cref="NodeOptions.InitialCluster"/>: <c>id=host:port</c> pairs separated by commas.</summary>
public static class InitialCluster
{
    public const int MaxMembers = 1024;

    public static IReadOnlyList<InitialMember> Parse(string text)
    {
        var members = new List<InitialMember>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == part.Length - 1)
                throw new FormatException($"initial-cluster entry '{part}' is not id=host:port");
            if (!ulong.TryParse(part.AsSpan(0, equals), out var id) || id == 0)
                throw new FormatException($"initial-cluster entry '{part}': the id must be a positive integer");
            var address = part[(equals + 1)..];
            var colon = address.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), out var port) || port is <= 0 or > 65535)
                throw new FormatException($"initial-cluster entry '{part}': '{address}' is not host:port");
            if (members.Any(m => m.Id == id)) throw new FormatException($"initial-cluster names node {id} twice");
            if (members.Any(m => m.PeerAddress == address)) throw new FormatException($"initial-cluster names address {address} twice");
            members.Add(new InitialMember(id, address));
        }
        if (members.Count == 0) throw new FormatException("initial-cluster names no member");
        if (members.Count > MaxMembers) throw new FormatException($"initial-cluster names more than {MaxMembers} members");
        return members.OrderBy(m => m.Id).ToArray();
    }
}
