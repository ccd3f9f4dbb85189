// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.Security.Cryptography;
using RaftCache.Node.Transport;

namespace RaftCache.Node.Tests.Transport;

/// <summary>
/// The sealed channel after the handshake (docs/peer-protocol.md, "Channel"): each test seals frames on one side,
/// injects one change on the way (a flipped bit, a replay, a reordering, a loss, another connection's key) and checks
/// that the receiving side refuses it with a protocol error, or, unchanged, gets the exact bytes back.
/// </summary>
public sealed class PeerChannelTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    private static byte[] Frame(byte fill, int length) => PeerFrame.Frame(PeerFrameKind.Batch, Enumerable.Repeat(fill, length).ToArray());

    private static byte[] Seal(PeerChannel channel, byte[] frame)
    {
        var output = new ArrayBufferWriter<byte>();
        channel.Seal(frame, output);
        return output.WrittenSpan.ToArray();
    }

    private static byte[] Open(PeerChannel channel, byte[] sealedFrame)
    {
        var plaintext = new byte[sealedFrame.Length];
        var length = channel.Open(sealedFrame.AsSpan(0, PeerFrame.HeaderBytes), sealedFrame.AsSpan(PeerFrame.HeaderBytes), plaintext);
        return plaintext[..length];
    }

    [Fact]
    public void Sealed_frames_open_to_their_payloads_in_order_and_hide_them()
    {
        using var sender = new PeerChannel(Key);
        using var receiver = new PeerChannel(Key);
        var first = Frame(0x41, 300);
        var second = Frame(0x41, 300);

        var sealedFirst = Seal(sender, first);
        var sealedSecond = Seal(sender, second);

        Assert.Equal(first.Length + PeerChannel.TagBytes, sealedFirst.Length);
        Assert.Equal(300 + PeerChannel.TagBytes, BitConverter.ToInt32(sealedFirst));
        Assert.NotEqual(sealedFirst, sealedSecond); // equal payloads, different nonces
        Assert.DoesNotContain(sealedFirst.Skip(PeerFrame.HeaderBytes).Chunk(16), c => c.All(b => b == 0x41));
        Assert.Equal(first[PeerFrame.HeaderBytes..], Open(receiver, sealedFirst));
        Assert.Equal(second[PeerFrame.HeaderBytes..], Open(receiver, sealedSecond));
    }

    public static TheoryData<int> Offsets => new() { 0, 4, PeerFrame.HeaderBytes, PeerFrame.HeaderBytes + 100, PeerFrame.HeaderBytes + 300 + PeerChannel.TagBytes - 1 };

    [Theory]
    [MemberData(nameof(Offsets))]
    public void A_flipped_bit_anywhere_in_the_frame_is_refused(int offset)
    {
        using var sender = new PeerChannel(Key);
        using var receiver = new PeerChannel(Key);
        var sealedFrame = Seal(sender, Frame(7, 300));
        sealedFrame[offset] ^= 0x01;

        // The header (length and kind) is authenticated too.
        Assert.Throws<PeerProtocolException>(() => Open(receiver, sealedFrame));
    }

    [Fact]
    public void A_replayed_frame_is_refused()
    {
        using var sender = new PeerChannel(Key);
        using var receiver = new PeerChannel(Key);
        var sealedFrame = Seal(sender, Frame(1, 40));
        Open(receiver, sealedFrame);

        Assert.Throws<PeerProtocolException>(() => Open(receiver, sealedFrame));
    }

    [Fact]
    public void Reordered_or_lost_frames_are_refused()
    {
        using var sender = new PeerChannel(Key);
        using var receiver = new PeerChannel(Key);
        Seal(sender, Frame(1, 40)); // lost on the way
        var second = Seal(sender, Frame(2, 40));

        Assert.Throws<PeerProtocolException>(() => Open(receiver, second));
    }

    [Fact]
    public void A_frame_sealed_for_another_connection_is_refused()
    {
        using var other = new PeerChannel(RandomNumberGenerator.GetBytes(32));
        using var receiver = new PeerChannel(Key);

        Assert.Throws<PeerProtocolException>(() => Open(receiver, Seal(other, Frame(3, 40))));
    }

    [Fact]
    public void Each_connection_gets_its_own_key_from_the_secret_and_both_nonces()
    {
        var credentials = PeerCredentials.FromSecret("channel tests cluster secret");
        var hello = PeerCredentials.NewNonce();
        var challenge = PeerCredentials.NewNonce();

        var key = credentials.ChannelKey(7, 1, 2, hello, challenge);

        Assert.Equal(key, credentials.ChannelKey(7, 1, 2, hello, challenge));
        Assert.NotEqual(key, credentials.ChannelKey(7, 1, 2, PeerCredentials.NewNonce(), challenge));
        Assert.NotEqual(key, credentials.ChannelKey(7, 2, 1, hello, challenge));
        Assert.NotEqual(key, PeerCredentials.FromSecret("another cluster's secret!").ChannelKey(7, 1, 2, hello, challenge));
    }
}
