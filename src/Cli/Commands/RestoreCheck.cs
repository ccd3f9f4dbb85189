// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Cli.Archive;
using RaftCache.Cli.Connection;
using RaftCache.Codec;

namespace RaftCache.Cli.Commands;

/// <summary>One target shard after a restore: how many keys the archive put there, how many it holds, and whether the contents agree.</summary>
public sealed record ShardVerification(int Shard, long ExpectedKeys, long Keys, bool Matches);

/// <summary>
/// After a restore, reads every target shard back (at an index its leader confirmed) and compares its content digest
/// with the archive's entries for that shard. Both sides leave out entries expiring before a common cut-off just
/// after the reads, so an entry expiring during the restore cannot make them differ.
/// </summary>
public static class RestoreCheck
{
    private static readonly TimeSpan CutoffMargin = TimeSpan.FromSeconds(5);

    public static async Task<IReadOnlyList<ShardVerification>> VerifyAsync(CliContext context, TargetShards target, List<(int Shard, ulong Hash, long ExpiresAtMs)> ledger, CancellationToken ct)
    {
        var restored = new Dictionary<int, List<BackupEntry>>();
        foreach (var shard in target.Shards.Keys) restored[shard] = await FetchAsync(context, shard, ct);
        var cutoff = (DateTimeOffset.UtcNow + CutoffMargin).ToUnixTimeMilliseconds();
        return target.Shards.Keys.Order().Select(shard =>
        {
            var expected = ledger.Where(e => e.Shard == shard && (e.ExpiresAtMs == BackupRecords.NoExpiry || e.ExpiresAtMs > cutoff)).ToArray();
            var actual = restored[shard].Where(e => e.LiveAt(cutoff)).ToArray();
            var matches = expected.Length == actual.Length && ContentDigest.Of(expected.Select(e => e.Hash)) == ContentDigest.Of(actual.Select(e => e.Hash()));
            return new ShardVerification(shard, expected.Length, actual.Length, matches);
        }).ToArray();
    }

    public static async Task<List<BackupEntry>> FetchAsync(CliContext context, int shard, CancellationToken ct)
    {
        using var response = await context.Client.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"/admin/shards/{shard}/snapshot"), ct);
        await RestClient.EnsureSuccessAsync(response, ct);
        try
        {
            return EntryRecords.ReadSnapshot(await response.Content.ReadAsByteArrayAsync(ct)).Entries;
        }
        catch (InvalidDataException e)
        {
            throw new CliException(ExitCodes.ServerError, $"Shard {shard}'s snapshot is malformed: {e.Message}");
        }
    }
}
