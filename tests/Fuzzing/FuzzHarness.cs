// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Globalization;

namespace RaftCache.Fuzzing;

/// <summary>What one fuzz target promises for any input: which exceptions count as "a clear error", and how much it may allocate.</summary>
/// <param name="Name">Names the target in failure messages and the corpus folder (tests/*/Fuzz/corpus/&lt;name&gt;).</param>
/// <param name="Decode">Decodes one input; must return or throw an allowed exception.</param>
/// <param name="IsClearError">True for the documented rejection exceptions.</param>
/// <param name="AllocationPerInputByte">Bytes the decoder may allocate per input byte...</param>
/// <param name="AllocationConstant">...plus this many: a length field must never make it allocate more than the input justifies.</param>
public sealed record FuzzTarget(string Name, Action<byte[]> Decode, Func<Exception, bool> IsClearError, long AllocationPerInputByte, long AllocationConstant);

/// <summary>
/// A small, dependency-free mutation fuzzer (the idea of Garnet's test/Garnet.fuzz, run as a unit test with a time
/// budget). Inputs are random bytes and mutations of valid samples: bit flips, truncations, length-like fields set
/// huge, byte runs duplicated, and splices of two samples. Each input must end in a return or a documented
/// exception, within a per-input time limit and an allocation bound. The seed is printed and can be fixed with
/// RAFTCACHE_FUZZ_SEED; the budget (seconds per target, default 3) with RAFTCACHE_FUZZ_SECONDS. A failure prints
/// the input as hex: add it to the target's corpus folder, where it stays as a regression test.
/// </summary>
public static class FuzzHarness
{
    public static readonly TimeSpan PerInputLimit = TimeSpan.FromSeconds(2);

    public static int Seed { get; } = Environment.GetEnvironmentVariable("RAFTCACHE_FUZZ_SEED") is { Length: > 0 } s
        ? int.Parse(s, CultureInfo.InvariantCulture)
        : Random.Shared.Next();

    public static TimeSpan Budget { get; } = TimeSpan.FromSeconds(
        Environment.GetEnvironmentVariable("RAFTCACHE_FUZZ_SECONDS") is { Length: > 0 } b ? double.Parse(b, CultureInfo.InvariantCulture) : 3);

    /// <summary>Runs the target for <see cref="Budget"/>; returns the number of inputs tried. Throws with seed and input on any broken promise.</summary>
    public static int Run(FuzzTarget target, IReadOnlyList<byte[]> samples, Action<string> log)
    {
        log($"fuzz {target.Name}: seed {Seed} (RAFTCACHE_FUZZ_SEED), budget {Budget.TotalSeconds} s");
        var random = new Random(Seed ^ StableHash(target.Name));
        var current = Array.Empty<byte>();
        var inputs = 0;
        var worker = Task.Run(() =>
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < Budget)
            {
                current = Next(random, samples);
                Check(target, current);
                inputs++;
            }
        });

        // A hang cannot be interrupted in-thread, so the whole run has a deadline and reports the input it was on.
        if (!worker.Wait(Budget + PerInputLimit + TimeSpan.FromSeconds(30)))
            throw new TimeoutException($"fuzz {target.Name} (seed {Seed}): no answer for input {Convert.ToHexString(current)}");
        worker.GetAwaiter().GetResult();
        log($"fuzz {target.Name}: {inputs} inputs, no finding");
        return inputs;
    }

    /// <summary>One input against every promise; used by the fuzz loop and by the corpus regression tests.</summary>
    public static void Check(FuzzTarget target, byte[] input)
    {
        // First a run that is not measured: a decoder's first use of a path (JSON metadata caches, exception
        // stack-trace machinery) allocates once per process, which is not the input's doing.
        try
        {
            target.Decode(input);
        }
        catch (Exception)
        {
            // judged on the measured run below
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        try
        {
            target.Decode(input);
        }
        catch (Exception e) when (!target.IsClearError(e))
        {
            throw new FuzzFindingException(target, input, $"threw {e.GetType().Name}: {e.Message}", e);
        }
        catch (Exception)
        {
            // A documented rejection: exactly what hostile input should get.
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var allowed = target.AllocationConstant + target.AllocationPerInputByte * input.Length;
        if (allocated > allowed) throw new FuzzFindingException(target, input, $"allocated {allocated} bytes, more than the {allowed} allowed for {input.Length} input bytes");
        if (clock.Elapsed > PerInputLimit) throw new FuzzFindingException(target, input, $"took {clock.Elapsed.TotalMilliseconds:0} ms");
    }

    private static byte[] Next(Random random, IReadOnlyList<byte[]> samples)
    {
        if (samples.Count == 0 || random.Next(8) == 0)
        {
            var noise = new byte[random.Next(0, 64)];
            random.NextBytes(noise);
            return noise;
        }
        var input = (byte[])samples[random.Next(samples.Count)].Clone();
        var mutations = 1 + random.Next(4);
        for (var i = 0; i < mutations; i++) input = Mutate(random, input, samples);
        return input;
    }

    private static byte[] Mutate(Random random, byte[] input, IReadOnlyList<byte[]> samples)
    {
        if (input.Length == 0) return [(byte)random.Next(256)];
        switch (random.Next(7))
        {
            case 0: // flip one bit
                input[random.Next(input.Length)] ^= (byte)(1 << random.Next(8));
                return input;
            case 1: // cut the tail
                return input[..random.Next(input.Length)];
            case 2: // a length-like field set huge: 4 bytes of 0xFF (or a 10-byte maximal varint)
            {
                var at = random.Next(input.Length);
                var run = random.Next(2) == 0 ? 4 : 10;
                for (var j = at; j < Math.Min(input.Length, at + run); j++) input[j] = j == at + run - 1 && run == 10 ? (byte)0x01 : (byte)0xFF;
                return input;
            }
            case 3: // a random byte value at a random place (type bytes, flags, versions)
                input[random.Next(input.Length)] = (byte)random.Next(256);
                return input;
            case 4: // duplicate a run (repeated fields, counts that no longer match)
            {
                var at = random.Next(input.Length);
                var length = Math.Min(input.Length - at, 1 + random.Next(32));
                return [.. input[..(at + length)], .. input[at..(at + length)], .. input[(at + length)..]];
            }
            case 5: // splice with another sample
            {
                var other = samples.Count > 0 ? samples[random.Next(samples.Count)] : input;
                return [.. input[..random.Next(input.Length + 1)], .. other[random.Next(other.Length + 1)..]];
            }
            default: // small integer nudged (off-by-one lengths and counts)
            {
                var at = random.Next(input.Length);
                input[at] = (byte)(input[at] + (random.Next(2) == 0 ? 1 : -1));
                return input;
            }
        }
    }

    private static int StableHash(string text)
    {
        var hash = 17;
        foreach (var c in text) hash = unchecked(hash * 31 + c);
        return hash;
    }

    /// <summary>Reads a corpus folder of .hex files (one input per file; whitespace ignored), sorted by name.</summary>
    public static IEnumerable<(string Name, byte[] Input)> Corpus(string folder) =>
        Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*.hex").Order(StringComparer.Ordinal)
                .Select(f => (Path.GetFileNameWithoutExtension(f), Convert.FromHexString(string.Concat(File.ReadAllText(f).Where(c => !char.IsWhiteSpace(c))))))
            : [];
}

/// <summary>A fuzz input broke a promise; the message has everything needed to keep it as a regression test.</summary>
public sealed class FuzzFindingException : Exception
{
    public FuzzFindingException(FuzzTarget target, byte[] input, string what, Exception? inner = null)
        : base($"fuzz {target.Name} (seed {FuzzHarness.Seed}): {what}; input saved to {Save(target, input)}: {Convert.ToHexString(input)}", inner)
    {
    }

    // Saved as a file ready to drop into the corpus folder (long inputs are unwieldy to copy from a test log).
    private static string Save(FuzzTarget target, byte[] input)
    {
        var folder = Path.Combine(Path.GetTempPath(), "raftcache-fuzz-findings", target.Name);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"seed-{FuzzHarness.Seed}-{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(input))[..12]}.hex");
        File.WriteAllText(path, Convert.ToHexString(input) + "\n");
        return path;
    }

    public FuzzFindingException() { }

    public FuzzFindingException(string message) : base(message) { }

    public FuzzFindingException(string message, Exception innerException) : base(message, innerException) { }
}
