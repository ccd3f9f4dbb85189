// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Sockets;
using RaftCache.Node.Transport;

namespace RaftCache.Node.Tests.Transport;

/// <summary>
/// A man in the middle for peer connections: it accepts on loopback, connects to the real receiver, passes the
/// receiver's bytes back unchanged, and cuts the dialer's byte stream into frames (header and payload), handing
/// each to <see cref="Tamper"/> (frame 0 is the hello; 1 and on come after the handshake), which returns the
/// frames to forward instead: the same, altered, repeated or none. Every byte the dialer sent is kept in
/// <see cref="Captured"/>, like a packet capture of the link.
/// </summary>
internal sealed class FrameProxy : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pumps = [];
    private readonly MemoryStream _captured = new();
    private readonly Task _accept;

    public FrameProxy(IPEndPoint target, Func<int, byte[], IEnumerable<byte[]>> tamper)
    {
        _target = target;
        Tamper = tamper;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(8);
        _accept = AcceptAsync();
    }

    public Func<int, byte[], IEnumerable<byte[]>> Tamper { get; }

    public string Address => _listener.LocalEndPoint!.ToString()!;

    public byte[] Captured
    {
        get
        {
            lock (_captured) return _captured.ToArray();
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var dialer = await _listener.AcceptAsync(_stop.Token);
                var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await receiver.ConnectAsync(_target, _stop.Token);
                lock (_pumps)
                {
                    _pumps.Add(PumpFramesAsync(new NetworkStream(dialer, ownsSocket: true), new NetworkStream(receiver, ownsSocket: false)));
                    _pumps.Add(PumpBytesAsync(new NetworkStream(receiver, ownsSocket: true), new NetworkStream(dialer, ownsSocket: false)));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task PumpFramesAsync(NetworkStream from, NetworkStream to)
    {
        try
        {
            var header = new byte[PeerFrame.HeaderBytes];
            for (var index = 0; !_stop.IsCancellationRequested; index++)
            {
                await from.ReadExactlyAsync(header, _stop.Token);
                var frame = new byte[PeerFrame.HeaderBytes + BitConverter.ToInt32(header)];
                header.CopyTo(frame, 0);
                await from.ReadExactlyAsync(frame.AsMemory(PeerFrame.HeaderBytes), _stop.Token);
                lock (_captured) _captured.Write(frame);
                foreach (var forwarded in Tamper(index, frame)) await to.WriteAsync(forwarded, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException or EndOfStreamException)
        {
        }
        finally
        {
            to.Socket.Dispose();
        }
    }

    private async Task PumpBytesAsync(NetworkStream from, NetworkStream to)
    {
        try
        {
            await from.CopyToAsync(to, _stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            to.Socket.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accept;
        Task[] pumps;
        lock (_pumps) pumps = [.. _pumps];
        await Task.WhenAll(pumps);
        _stop.Dispose();
    }
}
