// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Storage.Tests;

/// <summary>
/// Seeded write / sync / crash / recover cycles against <see cref="ReferenceModel"/>. A crash either loses
/// every unsynced byte, or (with a lying fsync) keeps a random prefix of the last sync's bytes, sometimes with
/// new segment names surviving; the recovered
/// state must equal the synced model plus some prefix of the operations staged since (all of them durable
/// before the lying sync are in it). Failures name the seed and cycle.
/// </summary>
public sealed class RandomizedCrashTests
{
    private static readonly WalOptions Options = WalOptions.ForTests with { SegmentBytes = 8192, MaxRecordBytes = 2048, MaxSealedSegments = 2 };

    [Fact]
    public void A_thousand_write_sync_crash_recover_cycles_match_the_reference_model()
    {
        const int Seeds = 20;
        const int CyclesPerSeed = 50;
        for (var seed = 0; seed < Seeds; seed++)
        {
            using var wal = new MemoryWal(Options);
            var generator = new OpGenerator(1000 + seed);
            var durable = new ReferenceModel();
            for (var cycle = 0; cycle < CyclesPerSeed; cycle++) RunCycle(wal, generator, ref durable, $"seed {1000 + seed} cycle {cycle}");
        }
    }

    [Fact]
    public void Write_sync_crash_recover_cycles_with_encryption_at_rest_match_the_reference_model()
    {
        // The same torn writes and lying fsyncs with every record encrypted: a torn encrypted record must still be
        // cut as a torn tail (its checksum fails first), never reported as tampering.
        const int Seeds = 10;
        const int CyclesPerSeed = 50;
        for (var seed = 0; seed < Seeds; seed++)
        {
            using var wal = new MemoryWal(Options with { Encryption = EncryptionTests.KeyOne });
            var generator = new OpGenerator(2000 + seed);
            var durable = new ReferenceModel();
            for (var cycle = 0; cycle < CyclesPerSeed; cycle++) RunCycle(wal, generator, ref durable, $"encrypted, seed {2000 + seed} cycle {cycle}");
        }
    }

    private static void RunCycle(MemoryWal wal, OpGenerator generator, ref ReferenceModel durable, string where)
    {
        var random = generator.Random;
        var current = durable.Clone();
        var pending = new List<ReferenceModel> { durable.Clone() };
        var lying = false;
        for (var step = random.Next(1, 12); step > 0; step--)
        {
            var op = generator.Next(current);
            op.StageInto(wal);
            current.Apply(op);
            pending.Add(current.Clone());
            if (random.Next(4) == 0)
            {
                wal.Sync();
                pending = [current.Clone()];
            }
        }

        var keep = 0L;
        if (random.Next(2) == 0)
        {
            // The final sync writes everything pending, but the power cut beats its fsync.
            wal.Disk.IgnoreSyncs = true;
            wal.Disk.NamesDurableAtCreation = random.Next(2) == 0;
            wal.Sync();
            lying = true;
            keep = random.NextInt64(0, wal.Disk.UnsyncedBytes + 1);
        }

        wal.Crash(keep);
        var recovered = wal.Restart();
        var match = pending.FindIndex(m => m.Difference(recovered) is null);
        Assert.True(match >= 0, $"{where}: recovered state matches no allowed prefix ({pending.Count} allowed, lying fsync {lying}, kept {keep} bytes): {pending[0].Difference(recovered)}");
        Assert.True(lying || match == 0, $"{where}: unsynced records survived a crash without any write of them");
        durable = pending[match];
    }
}
