// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net.Security;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace RaftCache.Resp;

/// <summary>
/// The RESP listener: accepts TCP connections (TLS with the node's certificate when configured), at most
/// <see cref="RespLimits.MaxClients"/> at a time, and runs one <see cref="RespConnection"/> for each.
/// </summary>
public sealed partial class RespServer(IRespBackend backend, RespOptions options, ILogger<RespServer> logger) : IHostedService, IAsyncDisposable
{
    private static int _connected;
    private static long _nextId;
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _listener;
    private Task? _accepting;

    /// <summary>Open client connections in this process (INFO clients).</summary>
    public static int ConnectedClients => Volatile.Read(ref _connected);

    /// <summary>The address actually bound (port 0 in the options picks a free port).</summary>
    public System.Net.IPEndPoint? BoundEndPoint => _listener?.LocalEndPoint as System.Net.IPEndPoint;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var listener = new Socket(options.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(options.EndPoint);
        listener.Listen(512);
        _listener = listener;
        LogListening(options.EndPoint.ToString(), options.Certificate is not null, options.ClusterMode ? "cluster" : "proxy");
        _accepting = Task.Run(AcceptLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener!.AcceptAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException && _stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e)
            {
                LogAcceptFailed(e.Message);
                continue;
            }

            socket.NoDelay = true;
            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        var remote = (socket.RemoteEndPoint as System.Net.IPEndPoint)?.Address;
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            if (Interlocked.Increment(ref _connected) > options.Limits.MaxClients)
            {
                await stream.WriteAsync("-ERR max number of clients reached\r\n"u8.ToArray());
                return;
            }

            if (options.Certificate is { } certificate)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                handshake.CancelAfter(TimeSpan.FromSeconds(10));
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate() }, handshake.Token);
                stream = tls;
            }

            // Over TLS the socket's unread bytes may be a record that yields no command (a key update), so a batch is
            // gathered from plain TCP only.
            Func<bool>? moreArrived = options.Certificate is null ? () => Unread(socket) > 0 : null;
            var connection = new RespConnection(stream, backend, options, remote, Interlocked.Increment(ref _nextId), _stopping.Token, moreArrived);
            await connection.RunAsync();
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            LogConnectionEnded(remote?.ToString() ?? "?", e.Message);
        }
        catch (Exception e)
        {
            // A bug met by one connection ends that connection, loudly; the listener and other clients go on.
            LogConnectionFailed(remote?.ToString() ?? "?", e);
        }
        finally
        {
            Interlocked.Decrement(ref _connected);
            await stream.DisposeAsync();
        }
    }

    // FIONREAD of a connection that is closing anyway reads as nothing more to gather.
    private static int Unread(Socket socket)
    {
        try
        {
            return socket.Available;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return 0;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        _listener?.Dispose();
        if (_accepting is { } accepting) await accepting.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _stopping.Dispose();
    }

    [LoggerMessage(EventId = 9100, Level = LogLevel.Information, Message = "RESP listening on {EndPoint} (tls: {Tls}, mode: {Mode})")]
    private partial void LogListening(string endPoint, bool tls, string mode);

    [LoggerMessage(EventId = 9101, Level = LogLevel.Warning, Message = "RESP accept failed: {Reason}")]
    private partial void LogAcceptFailed(string reason);

    [LoggerMessage(EventId = 9102, Level = LogLevel.Debug, Message = "RESP connection from {Remote} ended: {Reason}")]
    private partial void LogConnectionEnded(string remote, string reason);

    [LoggerMessage(EventId = 9103, Level = LogLevel.Error, Message = "RESP connection from {Remote} failed")]
    private partial void LogConnectionFailed(string remote, Exception exception);
}
