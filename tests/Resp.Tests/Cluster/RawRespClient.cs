// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net.Sockets;
using System.Text;

namespace RaftCache.Resp.Tests.Cluster;

/// <summary>A bare RESP connection for tests that need the exact reply or send bytes no client library would.</summary>
public sealed class RawRespClient : IAsyncDisposable
{
    private readonly TcpClient _tcp = new();
    private NetworkStream _stream = null!;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public static async Task<RawRespClient> ConnectAsync(string endpoint)
    {
        var client = new RawRespClient();
        var separator = endpoint.LastIndexOf(':');
        await client._tcp.ConnectAsync(endpoint[..separator], int.Parse(endpoint[(separator + 1)..]));
        client._stream = client._tcp.GetStream();
        client._stream.ReadTimeout = 10_000;
        return client;
    }

    public async Task SendRawAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>Sends a command as an array of bulk strings and returns its reply as text (see <see cref="ReadReplyAsync"/>).</summary>
    public async Task<string> CallAsync(params string[] args)
    {
        var frame = new StringBuilder().Append('*').Append(args.Length).Append("\r\n");
        foreach (var arg in args) frame.Append('$').Append(Encoding.UTF8.GetByteCount(arg)).Append("\r\n").Append(arg).Append("\r\n");
        await SendRawAsync(Encoding.UTF8.GetBytes(frame.ToString()));
        return await ReadReplyAsync();
    }

    /// <summary>One reply: "+OK", "-ERR …", ":1", a bulk string's text, "(nil)", or "[a, b]" for arrays.</summary>
    public async Task<string> ReadReplyAsync()
    {
        var line = await ReadLineAsync();
        switch (line[0])
        {
            case '$' or '=':
                var length = int.Parse(line[1..]);
                if (length < 0) return "(nil)";
                var text = await ReadExactAsync(length + 2);
                return line[0] == '=' ? text[4..^2] : text[..^2];
            case '*' or '%' or '~':
                var count = int.Parse(line[1..]) * (line[0] == '%' ? 2 : 1);
                if (count < 0) return "(nil)";
                var items = new List<string>();
                for (var i = 0; i < count; i++) items.Add(await ReadReplyAsync());
                return "[" + string.Join(", ", items) + "]";
            case '_':
                return "(nil)";
            default:
                return line;
        }
    }

    /// <summary>True once the server closed the connection (a read returns no bytes).</summary>
    public async Task<bool> IsClosedAsync()
    {
        if (_start < _end) return false;
        try
        {
            return await _stream.ReadAsync(_buffer) == 0;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private async Task<string> ReadExactAsync(int count)
    {
        while (_end - _start < count) await FillAsync();
        var text = Encoding.UTF8.GetString(_buffer, _start, count);
        _start += count;
        return text;
    }

    /// <summary>Moves what is left to the front of the buffer and reads more after it.</summary>
    private async Task FillAsync()
    {
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        var read = await _stream.ReadAsync(_buffer.AsMemory(_end));
        if (read == 0) throw new IOException("the server closed the connection");
        _end += read;
    }

    private async Task<string> ReadLineAsync()
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var line = Encoding.UTF8.GetString(_buffer, _start, newline - _start).TrimEnd('\r');
                _start = newline + 1;
                return line;
            }

            await FillAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        await Task.CompletedTask;
    }
}
