// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using RaftCache.Node.Transport;

namespace RaftCache.Node.Tests.Transport;

/// <summary>
/// A hand-driven peer connection for hostile tests: it speaks the handshake frame by frame, so a test can send
/// a wrong proof, replay a recorded hello, or follow an honest handshake with forbidden frames.
/// </summary>
internal sealed class RawPeer : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;

    private RawPeer(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>The last hello this peer sent (for replay tests).</summary>
    public byte[] SentHello { get; private set; } = [];

    public static async Task<RawPeer> ConnectAsync(string address)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPEndPoint.Parse(address));
        return new RawPeer(socket);
    }

    public Task SendAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask();

    /// <summary>After an accepted handshake between secured peers: the channel that seals this peer's frames.</summary>
    public PeerChannel? Channel { get; private set; }

    /// <summary>
    /// Sends bytes as a member would after its handshake: a whole frame sealed by <see cref="Channel"/> (so the
    /// receiver authenticates it and then judges its content), anything else (a bare header) as it is.
    /// </summary>
    public Task SendFrameAsync(byte[] bytes)
    {
        var whole = bytes.Length >= PeerFrame.HeaderBytes && BinaryPrimitives.ReadUInt32LittleEndian(bytes) == bytes.Length - PeerFrame.HeaderBytes;
        if (Channel is null || !whole) return SendAsync(bytes);
        var sealedFrame = new System.Buffers.ArrayBufferWriter<byte>();
        Channel.Seal(bytes, sealedFrame);
        return SendAsync(sealedFrame.WrittenSpan.ToArray());
    }

    /// <summary>The next frame, or null when the other side closed (or reset) the connection within the timeout.</summary>
    public async Task<(PeerFrameKind Kind, byte[] Payload)?> ReadFrameAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            var header = new byte[PeerFrame.HeaderBytes];
            if (await _stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cts.Token) < header.Length) return null;
            var payload = new byte[BinaryPrimitives.ReadUInt32LittleEndian(header)];
            await _stream.ReadExactlyAsync(payload, cts.Token);
            return ((PeerFrameKind)header[4], payload);
        }
        catch (Exception e) when (e is IOException or SocketException or EndOfStreamException)
        {
            return null;
        }
    }

    public async Task<PeerChallenge> ReadChallengeAsync()
    {
        var frame = await ReadFrameAsync() ?? throw new InvalidOperationException("closed before the challenge");
        Assert.Equal(PeerFrameKind.Challenge, frame.Kind);
        return PeerHandshake.DecodeChallenge(frame.Payload);
    }

    /// <summary>Reads the challenge, answers as <paramref name="from"/> with <paramref name="credentials"/>, returns the verdict (null: closed without one).</summary>
    public async Task<PeerWelcome?> HandshakeAsync(PeerCredentials credentials, ulong from, ulong to, ulong clusterId)
    {
        var challenge = await ReadChallengeAsync();
        var nonce = PeerCredentials.NewNonce();
        var proof = credentials.ProveHello(clusterId, from, to, challenge.Nonce, nonce);
        SentHello = PeerHandshake.EncodeHello(new PeerHello(credentials.IsSecured, clusterId, from, to, nonce, proof));
        await SendAsync(SentHello);
        var welcome = await ReadWelcomeAsync();
        if (welcome is { Accepted: true } && credentials.IsSecured) Channel = new PeerChannel(credentials.ChannelKey(clusterId, from, to, nonce, challenge.Nonce));
        return welcome;
    }

    public async Task<PeerWelcome?> ReadWelcomeAsync()
    {
        var frame = await ReadFrameAsync();
        if (frame is null) return null;
        Assert.Equal(PeerFrameKind.Welcome, frame.Value.Kind);
        return PeerHandshake.DecodeWelcome(frame.Value.Payload);
    }

    /// <summary>True when the other side closes the connection within the timeout (reads end or reset).</summary>
    public async Task<bool> ClosedByPeerAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                if (await _stream.ReadAsync(buffer, cts.Token) == 0) return true;
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _socket.Dispose();
        Channel?.Dispose();
    }
}
