// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Immutable;
using System.Text.Json;
using RaftCache.Fuzzing;
using RaftCache.Node.Metadata;
using RaftCache.Node.Tests.Transport;
using RaftCache.Node.Transport;
using RaftCache.Raft;
using Xunit.Abstractions;

namespace RaftCache.Node.Tests.Fuzz;

/// <summary>
/// Hostile bytes for the node's decoders: peer frames (what any process reaching the peer port can send before and
/// after the handshake) and the metadata group's JSON commands and snapshots. Promise checked for every input: it
/// decodes, or the documented exception (<see cref="PeerProtocolException"/>, <see cref="JsonException"/>) says
/// why; nothing else is thrown, nothing hangs, allocation stays proportional to the input. Inputs that once broke
/// a promise live in Fuzz/corpus/&lt;target&gt;/*.hex and run as regression tests.
/// </summary>
public sealed class DecoderFuzzTests(ITestOutputHelper output)
{
    private static readonly PeerLimits Limits = new();

    // A whole frame as it arrives: header checked first, then the payload by its kind. Decoded messages are objects
    // (a Message is ~200 bytes for a 14-byte encoding), hence the generous factor; a count that allocates for
    // entries the input does not hold blows through it.
    private static readonly FuzzTarget PeerFrameTarget = new("peer-frame", DecodeFrame,
        e => e is PeerProtocolException, AllocationPerInputByte: 64, AllocationConstant: 16 * 1024);

    private static readonly FuzzTarget MetadataCommandTarget = new("metadata-command", input =>
        {
            var machine = new MetadataStateMachine();
            machine.Apply(1, input);
            Touch(machine.Current);
        },
        e => e is JsonException, AllocationPerInputByte: 256, AllocationConstant: 64 * 1024);

    private static readonly FuzzTarget MetadataSnapshotTarget = new("metadata-snapshot", input =>
        {
            var machine = new MetadataStateMachine();
            machine.Restore(input);
            Touch(machine.Current);
        },
        e => e is JsonException, AllocationPerInputByte: 256, AllocationConstant: 64 * 1024);

    private static readonly FuzzTarget[] Targets = [PeerFrameTarget, MetadataCommandTarget, MetadataSnapshotTarget];

    private static void DecodeFrame(byte[] input)
    {
        if (input.Length < PeerFrame.HeaderBytes) return; // the transport waits for more bytes
        var (kind, length) = PeerFrame.ReadHeader(input, Limits);
        var payload = input.AsSpan(PeerFrame.HeaderBytes, Math.Min(length, input.Length - PeerFrame.HeaderBytes));
        switch (kind)
        {
            case PeerFrameKind.Batch or PeerFrameKind.SnapshotBatch:
                PeerFrame.DecodeBatch(payload, Limits);
                break;
            case PeerFrameKind.Record:
                // As opened: the frames inside, each decoded as the receive loop would.
                var record = new PeerRecord.Reader(payload, Limits);
                while (record.TryNext(out var inner, out var innerPayload))
                {
                    if (inner is PeerFrameKind.Batch) PeerFrame.DecodeBatch(innerPayload, Limits);
                }
                break;
            case PeerFrameKind.Challenge:
                PeerHandshake.DecodeChallenge(payload);
                break;
            case PeerFrameKind.Hello:
                PeerHandshake.DecodeHello(payload);
                break;
            default:
                PeerHandshake.DecodeWelcome(payload);
                break;
        }
    }

    // What the node does with a record right after applying it (OnClusterChanged, the admin view): a decoded
    // record must be whole, not hold nulls that fail later on the host loop.
    private static void Touch(ClusterRecord record)
    {
        foreach (var member in record.Members.Values) _ = (member.Id, member.PeerAddress.Length, member.State);
        foreach (var (_, replicas) in record.Placement) _ = replicas.Length;
    }

    private static IReadOnlyList<byte[]> FrameSamples()
    {
        var nonce = new byte[PeerCredentials.NonceBytes];
        return
        [
            PeerFrame.EncodeBatch([new GroupMessage(7, SampleMessages.Full(1, 2)), new GroupMessage(0, new Message { Type = MessageType.Heartbeat, From = 1, To = 2, Term = 3 })]),
            PeerFrame.EncodeBatch([new GroupMessage(1, SampleMessages.Full(1, 2) with { Type = MessageType.Snapshot })], PeerFrameKind.SnapshotBatch),
            PeerFrame.Frame(PeerFrameKind.Record, [
                .. PeerFrame.EncodeBatch([new GroupMessage(1, SampleMessages.Full(1, 2))]),
                .. PeerFrame.Frame(PeerFrameKind.Forward, [1, 2, 3]),
                .. PeerFrame.EncodeBatch([new GroupMessage(2, SampleMessages.Full(1, 2))])]),
            PeerHandshake.EncodeChallenge(new PeerChallenge(true, 0xC0FFEE, 2, nonce)),
            PeerHandshake.EncodeHello(new PeerHello(true, 0xC0FFEE, 1, 2, nonce, nonce)),
            PeerHandshake.EncodeWelcome(new PeerWelcome(true, nonce, "")),
            PeerHandshake.EncodeWelcome(new PeerWelcome(false, [], "node 4 was removed from cluster c0ffee")),
        ];
    }

    private static ClusterRecord SampleRecord() => new(
        0xC0FFEE, 4, 3,
        new[] { 1UL, 2UL, 3UL }.ToImmutableSortedDictionary(id => id, id => new MemberInfo(id, $"127.0.0.{id}:6001", id == 1 ? "http://127.0.0.1:5001" : null, MemberState.Active)),
        Enumerable.Range(1, 4).ToImmutableSortedDictionary(shard => shard, shard => ImmutableArray.Create(1UL, 2UL, 3UL)));

    private static IReadOnlyList<byte[]> CommandSamples() =>
        [new BootstrapCommand(SampleRecord()).Encode(), new PublishMemberCommand(2, "http://127.0.0.2:5001").Encode()];

    private static IReadOnlyList<byte[]> SnapshotSamples()
    {
        var machine = new MetadataStateMachine();
        machine.Apply(5, new BootstrapCommand(SampleRecord()).Encode());
        return [machine.Snapshot(), new MetadataStateMachine().Snapshot()];
    }

    [Fact]
    public void The_peer_frame_decoders_answer_every_hostile_input_with_a_protocol_error_or_a_frame()
    {
        Assert.True(FuzzHarness.Run(PeerFrameTarget, FrameSamples(), output.WriteLine) > 0);
    }

    [Fact]
    public void The_metadata_command_decoder_answers_every_hostile_input_with_a_json_error_or_a_whole_record()
    {
        Assert.True(FuzzHarness.Run(MetadataCommandTarget, CommandSamples(), output.WriteLine) > 0);
    }

    [Fact]
    public void The_metadata_snapshot_decoder_answers_every_hostile_input_with_a_json_error_or_a_whole_record()
    {
        Assert.True(FuzzHarness.Run(MetadataSnapshotTarget, SnapshotSamples(), output.WriteLine) > 0);
    }

    [Fact]
    public void The_valid_samples_pass_the_promises_too()
    {
        foreach (var sample in FrameSamples()) FuzzHarness.Check(PeerFrameTarget, sample);
        foreach (var sample in CommandSamples()) FuzzHarness.Check(MetadataCommandTarget, sample);
        foreach (var sample in SnapshotSamples()) FuzzHarness.Check(MetadataSnapshotTarget, sample);
    }

    private static string CorpusFolder(string target) => Path.Combine(AppContext.BaseDirectory, "Fuzz", "corpus", target);

    public static TheoryData<string, string> Corpus()
    {
        var data = new TheoryData<string, string>();
        foreach (var target in Targets)
        {
            foreach (var (name, _) in FuzzHarness.Corpus(CorpusFolder(target.Name))) data.Add(target.Name, name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Every_input_a_fuzzer_once_found_is_answered_with_a_clear_error(string target, string name)
    {
        var input = FuzzHarness.Corpus(CorpusFolder(target)).Single(c => c.Name == name).Input;
        FuzzHarness.Check(Targets.Single(t => t.Name == target), input);
    }
}
