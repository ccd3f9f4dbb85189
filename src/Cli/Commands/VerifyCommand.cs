// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.CommandLine;
using System.Text.Json.Nodes;
using RaftCache.Cli.Archive;

namespace RaftCache.Cli.Commands;

/// <summary>raftcache verify FILE: every check restore makes before it writes anything, without a cluster.</summary>
public static class VerifyCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "the archive" };
        var verify = new Command("verify", "Check an archive (checksums, every part, slot coverage) without touching a cluster (exit 7 when refused).") { file, BackupCommand.KeyFileOption };
        return verify.Runs((context, parse, _) =>
        {
            using var archive = ArchiveReader.Open(parse.GetValue(file)!, parse.GetValue(BackupCommand.KeyFileOption));
            var m = archive.Manifest;
            if (context.Json)
            {
                context.Printer.WriteJson(new JsonObject
                {
                    ["cluster_id"] = m.ClusterId,
                    ["started_at"] = m.StartedAt,
                    ["completed_at"] = m.CompletedAt,
                    ["shards"] = m.Parts.Count,
                    ["keys"] = m.Keys,
                    ["verified"] = true,
                });
            }
            else
            {
                context.Printer.Line($"Archive of cluster {m.ClusterId}, {m.Parts.Count} shards, {m.Keys} keys, taken {m.StartedAt:u} to {m.CompletedAt:u}: verified.");
            }
            return Task.FromResult(ExitCodes.Ok);
        });
    }
}
