// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RaftCache.Node.Tests.Cluster;

namespace RaftCache.Cli.Tests;

/// <summary>
/// Backup under load, restore into a fresh cluster with another shard count, and refusal of damaged archives —
/// all with real node processes and the tool run as a process.
/// </summary>
public sealed class BackupRestoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("raftcache-cli-").FullName;

    [Fact]
    public async Task A_backup_taken_under_load_restores_into_a_cluster_with_another_shard_count_with_every_acknowledged_write()
    {
        // --default-ttl-seconds 0: writes naming no expiry never expire, so the archive holds entries without one too.
        await using var source = await TestCluster.StartAsync(3, "--default-ttl-seconds", "0");
        // A smaller value limit on the target: its request limit (value limit + 64 KiB) is below the tool's batch size,
        // so the tool must split its batches.
        await using var target = await TestCluster.StartAsync(3, "--shards", "6", "--max-value-bytes", "4096");
        var writers = new Writers(source, clients: 4);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var load = writers.RunAsync(stop.Token);
        await source.WaitAsync(() => Task.FromResult(writers.Acked.Count >= 400 || load.IsCompleted), TimeSpan.FromSeconds(60));
        // Keys alive when the backup is taken and expired by the time it is restored: they must stay expired.
        for (var i = 0; i < 20; i++)
        {
            using var response = await source.Http.PutAsJsonAsync(new Uri(source.Node(1).Url, $"/keys/short:{i}"), new { data = i, ttl_seconds = 8 });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var shortLivedUntil = DateTimeOffset.UtcNow.AddSeconds(8);
        var backupBegan = DateTimeOffset.UtcNow;
        var archive = Path.Combine(_dir, "source.rcb");
        var backup = await CliRunner.RunAsync(source, "backup", archive, "-o", "json");
        var writtenDuringBackup = writers.Acked.Count(w => w.AckedAt > backupBegan);
        await stop.CancelAsync();
        await load;
        Assert.True(backup.ExitCode == 0, backup.ToString());
        Assert.True(backup.Json().GetProperty("verified").GetBoolean());
        Assert.Contains("backing up", backup.Stderr, StringComparison.Ordinal); // the progress went to stderr
        Assert.True(writtenDuringBackup > 0, "the writers kept writing while the backup ran");
        using (var reader = Archive.ArchiveReader.Open(archive, keyFile: null))
        {
            var shortInArchive = reader.Parts().SelectMany(p => p.Entries).Count(e => Encoding.UTF8.GetString(e.Key).StartsWith("short:", StringComparison.Ordinal));
            Assert.True(shortInArchive == 20, $"the short-lived keys expired before the backup took them ({shortInArchive} of 20): the backup took longer than their 8 s");
        }

        // Refusals first, into the empty target: each leaves it empty.
        await AssertRefusedAsync(target, Flip(archive, 5 * 1024), "damaged");
        await AssertRefusedAsync(target, Flip(archive, (int)new FileInfo(archive).Length - 60), "damaged");
        await AssertRefusedAsync(target, Flip(archive, 3), "not a RaftCache");
        await AssertRefusedAsync(target, Truncate(archive, new FileInfo(archive).Length / 2), "truncated");
        await AssertRefusedAsync(target, Truncate(archive, new FileInfo(archive).Length - 1), "truncated");
        var otherArchive = Path.Combine(_dir, "target-empty.rcb");
        Assert.Equal(0, (await CliRunner.RunAsync(target, "backup", otherArchive)).ExitCode);
        await AssertRefusedAsync(target, ForeignArchives.Splice(archive, otherArchive, Path.Combine(_dir, "spliced.rcb")), "comes from cluster");

        while (DateTimeOffset.UtcNow <= shortLivedUntil.AddMilliseconds(200)) await Task.Delay(100); // the short-lived keys expire meanwhile
        var restore = await CliRunner.RunAsync(target, "restore", archive, "-o", "json");
        Assert.True(restore.ExitCode == 0, restore.ToString());
        var restored = restore.Json();
        Assert.True(restored.GetProperty("verified").GetBoolean(), restore.ToString());
        Assert.Equal(6, restored.GetProperty("target_shards").GetInt32());
        Assert.True(restored.GetProperty("skipped_expired").GetInt64() >= 20, restore.ToString());

        var before = writers.Acked.Where(w => w.AckedAt < backupBegan).ToArray();
        Assert.True(before.Length >= 400);
        var expiries = await ExpiriesAsync(target);
        foreach (var write in before) await AssertRestoredAsync(target, write, expiries);
        for (var i = 0; i < 20; i++)
        {
            using var gone = await target.Http.GetAsync(new Uri(target.Node(2).Url, $"/keys/short:{i}"));
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        var check = await CliRunner.RunAsync(target, "check", "-o", "json", "--wait-seconds", "30");
        Assert.True(check.ExitCode == 0, check.ToString());
        var again = await CliRunner.RunAsync(target, "restore", archive);
        CliRunner.AssertOneLineError(again, ExitCodes.Conflict, "holds");
        // A restore that stopped midway is finished by running it again with --resume: writing an entry twice leaves it as once.
        var resumed = await CliRunner.RunAsync(target, "restore", archive, "--resume", "-o", "json");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.True(resumed.Json().GetProperty("verified").GetBoolean(), resumed.ToString());
    }

    [Fact]
    public async Task An_encrypted_backup_needs_its_key_and_refuses_a_wrong_key_or_a_changed_byte()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        for (var i = 0; i < 30; i++) Assert.Equal(0, (await CliRunner.RunAsync(cluster, "put", $"secret:{i}", $"value {i}")).ExitCode);
        var keyFile = Path.Combine(_dir, "keys");
        await File.WriteAllTextAsync(keyFile, "# test keys\n1:" + Convert.ToBase64String(new byte[32]) + "\n2:" + Convert.ToHexString(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()) + "\n");
        var archive = Path.Combine(_dir, "encrypted.rcb");
        var backup = await CliRunner.RunAsync(cluster, "backup", archive, "--encryption-key-file", keyFile, "-o", "json");
        Assert.True(backup.ExitCode == 0, backup.ToString());
        Assert.True(backup.Json().GetProperty("encrypted").GetBoolean());
        Assert.Equal(-1, (await File.ReadAllBytesAsync(archive)).AsSpan().IndexOf("value 7"u8)); // no plain text in the file

        var verified = await CliRunner.RunAsync(["verify", archive, "--encryption-key-file", keyFile, "-o", "json"]);
        Assert.True(verified.ExitCode == 0, verified.ToString());
        Assert.Equal(30, verified.Json().GetProperty("keys").GetInt32());
        CliRunner.AssertOneLineError(await CliRunner.RunAsync(["verify", archive]), ExitCodes.ArchiveRefused, "encrypted");
        var wrongKey = Path.Combine(_dir, "wrong-keys");
        await File.WriteAllTextAsync(wrongKey, "2:" + Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray()) + "\n");
        CliRunner.AssertOneLineError(await CliRunner.RunAsync(["verify", archive, "--encryption-key-file", wrongKey]), ExitCodes.ArchiveRefused, "key");
        CliRunner.AssertOneLineError(await CliRunner.RunAsync(["verify", Flip(archive, 200), "--encryption-key-file", keyFile]), ExitCodes.ArchiveRefused, "damaged");
        CliRunner.AssertOneLineError(await CliRunner.RunAsync(["verify", Truncate(archive, new FileInfo(archive).Length - 10), "--encryption-key-file", keyFile]), ExitCodes.ArchiveRefused, "truncated");
    }

    private async Task AssertRefusedAsync(TestCluster target, string archive, string reason)
    {
        var result = await CliRunner.RunAsync(target, "restore", archive);
        CliRunner.AssertOneLineError(result, ExitCodes.ArchiveRefused, reason);
        Assert.Contains("Nothing was restored", result.Stderr, StringComparison.Ordinal);
        var status = (await CliRunner.RunAsync(target, "shards", "list", "-o", "json")).Json();
        Assert.All(status.EnumerateArray(), s => Assert.Equal(0, s.GetProperty("keys").GetInt64()));
    }

    private static async Task AssertRestoredAsync(TestCluster target, AckedWrite write, IReadOnlyDictionary<string, string?> expiries)
    {
        using var response = await target.Http.GetAsync(new Uri(target.Nodes[(int)((uint)write.Key.GetHashCode() % 3)].Url, "/keys/" + Uri.EscapeDataString(write.Key)));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{write.Key}: {response.StatusCode}");
        var body = await response.Content.ReadAsByteArrayAsync();
        if (write.IsJson)
        {
            using var document = JsonDocument.Parse(body);
            Assert.Equal(Encoding.UTF8.GetString(write.Value), document.RootElement.GetProperty("data").GetRawText());
            Assert.Equal(write.ExpirationDate, document.RootElement.GetProperty("expiration_date").ValueKind == JsonValueKind.Null ? null : document.RootElement.GetProperty("expiration_date").GetString());
        }
        else
        {
            Assert.Equal(write.Value, body);
            Assert.Equal(write.ContentType, response.Content.Headers.ContentType?.ToString());
        }
        Assert.True(expiries.TryGetValue(write.Key, out var expiry), write.Key);
        Assert.Equal(write.ExpirationDate, expiry);
    }

    private static async Task<IReadOnlyDictionary<string, string?>> ExpiriesAsync(TestCluster cluster)
    {
        var keys = await CliRunner.RunAsync(cluster, "keys", "-o", "json");
        Assert.True(keys.ExitCode == 0, keys.ToString());
        return keys.Json().EnumerateArray().ToDictionary(k => k.GetProperty("key").GetString()!, k => k.GetProperty("expiration_date").ValueKind == JsonValueKind.String ? k.GetProperty("expiration_date").GetString() : null);
    }

    private string Flip(string archive, int offset)
    {
        var bytes = File.ReadAllBytes(archive);
        bytes[offset] ^= 0x20;
        var path = Path.Combine(_dir, $"flipped-{offset}.rcb");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string Truncate(string archive, long length)
    {
        var path = Path.Combine(_dir, $"truncated-{length}.rcb");
        File.WriteAllBytes(path, File.ReadAllBytes(archive)[..(int)length]);
        return path;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
