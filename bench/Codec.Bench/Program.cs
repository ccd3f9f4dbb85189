// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using BenchmarkDotNet.Running;
using DotNext.Buffers.Binary;
using RaftCache.Codec;

if (args is ["probe"])
{
    // What each reader does with hostile varints: a tenth byte carrying bits above 64, and eleven bytes.
    foreach (var hex in new[] { "FFFFFFFFFFFFFFFFFF02", "8080808080808080808000" })
    {
        var bytes = Convert.FromHexString(hex);
        Console.WriteLine($"{hex}: DotNext {Outcome(() => Leb128.TryReadLeb128<ulong>(bytes, out var v, out _) ? $"ok {v}" : "false")}; "
            + $"shared {Outcome(() => $"ok {new ByteReader<FormatErrors>(bytes).VarUInt()}")}");
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(RaftCache.Codec.Bench.ReadBench).Assembly).Run(args);

static string Outcome(Func<string> read)
{
    try
    {
        return read();
    }
    catch (Exception e) when (e is FormatException or InvalidDataException)
    {
        return e.GetType().Name;
    }
}
