// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text.Json;
using RaftCache.Node.Configuration;

namespace RaftCache.Node.Hosting;

/// <summary>
/// Written into the data folder at bootstrap: which node and cluster the folder belongs to, and the founding
/// peers (so a restarted node can reach them before its metadata group has replayed). A node refuses to start
/// on a folder of another node id, which keeps ids from being reused by accident.
/// </summary>
/// <remarks>
/// A node that joined a running cluster records <see cref="Joined"/>: it never bootstraps groups, and its
/// <see cref="Founders"/> are the members it was told of when it was admitted.
/// </remarks>
public sealed record NodeIdentity(ulong NodeId, ulong ClusterId, IReadOnlyList<InitialMember> Founders, bool Joined = false)
{
    public const string FileName = "node.json";

    public static NodeIdentity? Load(string dataDir)
    {
        var path = Path.Combine(dataDir, FileName);
        if (!File.Exists(path)) return null;
        return JsonSerializer.Deserialize<NodeIdentity>(File.ReadAllBytes(path))
            ?? throw new InvalidDataException($"{path} is empty");
    }

    /// <summary>Written to a temporary file, fsync'd and renamed, so a crash leaves the old file or the new one.</summary>
    public void Save(string dataDir)
    {
        Directory.CreateDirectory(dataDir);
        var path = Path.Combine(dataDir, FileName);
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, this);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }
}
