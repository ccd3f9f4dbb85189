// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.CommandLine;
using System.Text.Json.Nodes;
using RaftCache.Cli.Archive;
using RaftCache.Cli.Connection;
using RaftCache.Codec;

namespace RaftCache.Cli.Commands;

/// <summary>
/// raftcache restore FILE: verifies the whole archive first (nothing is written when it is refused), checks the target
/// cluster is empty, re-hashes every live entry into the target's shards and writes it as replicated puts (content
/// type and absolute expiry kept), then reads every target shard back and compares it with the archive.
/// </summary>
public static class RestoreCommand
{
    /// <summary>Restore batches this large go to one shard in one request (the node accepts its value limit plus 64 KiB).</summary>
    public const int BatchBytes = 256 << 10;

    private const int ParallelBatches = 4;
    private const int AttemptsPerBatch = 5;

    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "the archive to restore" };
        var resume = new Option<bool>("--resume") { Description = "continue an interrupted restore: skip the empty-cluster check (writing an entry twice leaves it as once)" };
        var restore = new Command("restore", "Restore an archive into a fresh, empty cluster (any member or shard count), then verify it.") { file, resume, BackupCommand.KeyFileOption };
        return restore.Runs(async (context, parse, ct) =>
        {
            using var archive = ArchiveReader.Open(parse.GetValue(file)!, parse.GetValue(BackupCommand.KeyFileOption));
            var target = await TargetShards.ReadAsync(context, ct);
            if (!parse.GetValue(resume)) await TargetShards.EnsureEmptyAsync(context, target, ct);
            var ledger = new List<(int Shard, ulong Hash, long ExpiresAtMs)>();
            var (written, skipped) = await WriteAllAsync(context, archive, target, ledger, ct);
            var verification = await RestoreCheck.VerifyAsync(context, target, ledger, ct);
            var ok = verification.All(v => v.Matches);
            if (context.Json)
            {
                context.Printer.WriteJson(new JsonObject
                {
                    ["archive_cluster_id"] = archive.Manifest.ClusterId,
                    ["target_cluster_id"] = target.ClusterId,
                    ["entries_in_archive"] = archive.Manifest.Keys,
                    ["written"] = written,
                    ["skipped_expired"] = skipped,
                    ["target_shards"] = target.Shards.Count,
                    ["verified"] = ok,
                    ["shards"] = new JsonArray(verification.Select(v => (JsonNode?)new JsonObject
                    {
                        ["shard"] = v.Shard, ["expected_keys"] = v.ExpectedKeys, ["keys"] = v.Keys, ["matches"] = v.Matches,
                    }).ToArray()),
                });
            }
            else
            {
                context.Printer.Line($"Restored {written} of {archive.Manifest.Keys} entries from cluster {archive.Manifest.ClusterId} into cluster {target.ClusterId} ({target.Shards.Count} shards); {skipped} had expired and stay expired.");
                context.Printer.Line(ok ? "Every shard's contents equal the archive's." : $"Shards differing from the archive: {string.Join(", ", verification.Where(v => !v.Matches).Select(v => v.Shard))}.");
            }
            if (!ok) await Console.Error.WriteLineAsync("raftcache: the restored cluster does not match the archive (were keys written to it meanwhile?).");
            return ok ? ExitCodes.Ok : ExitCodes.Failed;
        });
    }

    private static async Task<(long Written, long Skipped)> WriteAllAsync(CliContext context, ArchiveReader archive, TargetShards target, List<(int, ulong, long)> ledger, CancellationToken ct)
    {
        long written = 0, skipped = 0, sent = 0;
        var total = archive.Manifest.Keys;
        using var gate = new SemaphoreSlim(ParallelBatches);
        var pending = new List<Task>();
        try
        {
            await Output.ProgressReporter.RunAsync(context.Printer.Status, $"restoring {total} entries", total, async task =>
                {
                    var batches = target.Shards.Keys.ToDictionary(s => s, _ => (Buffer: new ArrayBufferWriter<byte>(BatchBytes), Count: 0));
                    async Task Flush(int shard)
                    {
                        var (buffer, count) = batches[shard];
                        if (count == 0) return;
                        batches[shard] = (new ArrayBufferWriter<byte>(BatchBytes), 0);
                        await gate.WaitAsync(ct);
                        pending.Add(Task.Run(async () =>
                        {
                            try
                            {
                                var (w, s) = await SendBatchAsync(context, shard, buffer.WrittenMemory, ct);
                                Interlocked.Add(ref written, w);
                                Interlocked.Add(ref skipped, s);
                                task.Increment(count);
                            }
                            finally
                            {
                                gate.Release();
                            }
                        }, ct));
                    }
                    foreach (var (_, entries) in archive.Parts())
                    {
                        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                        foreach (var entry in entries)
                        {
                            if (!entry.LiveAt(now))
                            {
                                Interlocked.Increment(ref skipped);
                                task.Increment(1);
                                continue;
                            }
                            var shard = target.ShardOf(entry.Key);
                            ledger.Add((shard, entry.Hash(), entry.ExpiresAtMs));
                            if (batches[shard].Buffer.WrittenCount + BackupRecords.SizeOf(entry) > BatchBytes) await Flush(shard);
                            var (buffer, count) = batches[shard];
                            BackupRecords.Write(buffer, entry);
                            batches[shard] = (buffer, count + 1);
                            sent++;
                        }
                        pending.RemoveAll(t => t.IsCompletedSuccessfully);
                        if (pending.FirstOrDefault(t => t.IsFaulted) is { } failed) await failed;
                    }
                    foreach (var shard in target.Shards.Keys) await Flush(shard);
                    await Task.WhenAll(pending);
                });
        }
        catch (CliException e)
        {
            throw new CliException(e.ExitCode, $"{e.Message.TrimEnd('.')}. The restore stopped after {Interlocked.Read(ref written)} of {sent} entries sent: the cluster holds a partial restore. Run the same command with --resume to finish it (writing an entry again is harmless), or flush the cluster (DELETE /admin/keys) to start over.");
        }
        return (written, skipped);
    }

    private static async Task<(long Written, long Skipped)> SendBatchAsync(CliContext context, int shard, ReadOnlyMemory<byte> batch, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await context.Client.SendAsync(() =>
            {
                var content = new ReadOnlyMemoryContent(batch);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/vnd.raftcache.entries");
                return new HttpRequestMessage(HttpMethod.Post, $"/admin/shards/{shard}/entries") { Content = content };
            }, ct);
            if ((int)response.StatusCode == 503 && attempt < AttemptsPerBatch)
            {
                // Not confirmed in time (a leader change, a slow disk): the batch is idempotent, so it is sent again.
                await Task.Delay(TimeSpan.FromMilliseconds(500 * attempt), ct);
                continue;
            }
            if ((int)response.StatusCode == 413 && EntryRecords.Read(batch.Span) is { Count: > 1 } entries)
            {
                // The node takes at most its value limit plus 64 KiB per request: send the batch in halves.
                var (w1, s1) = await SendBatchAsync(context, shard, Encode(entries[..(entries.Count / 2)]), ct);
                var (w2, s2) = await SendBatchAsync(context, shard, Encode(entries[(entries.Count / 2)..]), ct);
                return (w1 + w2, s1 + s2);
            }
            var answer = await RestClient.ReadJsonAsync(response, ct);
            return (answer.GetProperty("written").GetInt64(), answer.GetProperty("skipped_expired").GetInt64());
        }
    }

    private static ReadOnlyMemory<byte> Encode(List<BackupEntry> entries)
    {
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var entry in entries) BackupRecords.Write(buffer, entry);
        return buffer.WrittenMemory;
    }
}
