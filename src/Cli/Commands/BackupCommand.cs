// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.CommandLine;
using System.Text.Json.Nodes;
using RaftCache.Cli.Archive;
using RaftCache.Cli.Connection;

namespace RaftCache.Cli.Commands;

/// <summary>
/// raftcache backup FILE: for every shard, its entries at an index its leader confirmed (so every write acknowledged
/// before the backup began is in it), written into one archive, encrypted when a key file is given, and verified
/// by reading it back before the command succeeds. Writes continue meanwhile.
/// </summary>
public static class BackupCommand
{
    public static readonly Option<string?> KeyFileOption = new("--encryption-key-file")
    {
        Description = "encrypt (backup) or decrypt (restore) with the node's at-rest key file (AES-256-GCM, the highest id is used)",
    };

    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "the archive to write (must not exist unless --force)" };
        var force = new Option<bool>("--force") { Description = "replace an existing file" };
        var backup = new Command("backup", "Back up every shard, online, into one verified archive file.") { file, force, KeyFileOption };
        return backup.Runs(async (context, parse, ct) =>
        {
            var path = Path.GetFullPath(parse.GetValue(file)!);
            if (File.Exists(path) && !parse.GetValue(force)) throw new CliException(ExitCodes.Usage, $"{path} exists; give --force to replace it.");
            var keys = parse.GetValue(KeyFileOption) is { } keyPath ? KeyFile.Read(keyPath) : null;
            var partial = path + ".partial";
            File.Delete(partial);
            var plain = keys is null ? partial : path + ".plain.partial";
            File.Delete(plain);
            try
            {
                var manifest = await WriteAsync(context, plain, ct);
                if (keys is not null)
                {
                    ArchiveCipher.Encrypt(plain, partial, keys);
                    File.Delete(plain);
                }
                using (ArchiveReader.Open(partial, parse.GetValue(KeyFileOption)))
                {
                    // Opening verifies everything: markers, checksums, every part, slot coverage.
                }
                File.Move(partial, path, overwrite: true);
                var size = new FileInfo(path).Length;
                if (context.Json)
                {
                    context.Printer.WriteJson(new JsonObject
                    {
                        ["file"] = path,
                        ["cluster_id"] = manifest.ClusterId,
                        ["shards"] = manifest.Parts.Count,
                        ["keys"] = manifest.Keys,
                        ["bytes"] = size,
                        ["encrypted"] = keys is not null,
                        ["verified"] = true,
                        ["parts"] = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(manifest.Parts)),
                    });
                }
                else
                {
                    context.Printer.Line($"Backed up {manifest.Keys} keys of {manifest.Parts.Count} shards of cluster {manifest.ClusterId} into {path} ({size} bytes{(keys is null ? "" : ", encrypted")}); verified.");
                }
                return ExitCodes.Ok;
            }
            finally
            {
                File.Delete(plain);
                File.Delete(partial);
            }
        });
    }

    private static async Task<Manifest> WriteAsync(CliContext context, string path, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var view = await context.Client.GetJsonAsync("/admin/cluster", ct);
        var clusterId = view.GetProperty("cluster_id").GetString()!;
        var shards = view.GetProperty("shards").EnumerateArray().Select(s => s.GetProperty("id").GetInt32()).ToArray();
        using var writer = new ArchiveWriter(path);
        await Output.ProgressReporter.RunAsync(context.Printer.Status, $"backing up {shards.Length} shards", shards.Length, async progress =>
        {
            var done = 0;
            foreach (var shard in shards)
            {
                using var response = await context.Client.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"/admin/shards/{shard}/snapshot"), ct);
                await RestClient.EnsureSuccessAsync(response, ct);
                var body = await response.Content.ReadAsByteArrayAsync(ct);
                try
                {
                    writer.AddPart(body, clusterId);
                }
                catch (InvalidDataException e)
                {
                    throw new CliException(ExitCodes.ServerError, $"Shard {shard}'s snapshot is malformed: {e.Message}. No archive was written.");
                }
                done++;
                progress.Update(done, description: $"backing up: {done}/{shards.Length} shards, {writer.BytesWritten:N0} bytes");
            }
        });
        return writer.Finish(clusterId, started);
    }
}
