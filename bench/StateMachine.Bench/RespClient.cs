// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RaftCache.StateMachine.Bench;

/// <summary>The smallest RESP2 client the Redis comparison needs: pipelined arrays of bulk strings out, lines and bulks in.</summary>
internal sealed class RespClient : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly BufferedStream _out;
    private readonly BufferedStream _in;

    public RespClient(IPEndPoint endpoint)
    {
        _tcp = new TcpClient();
        _tcp.Connect(endpoint);
        var stream = _tcp.GetStream();
        _out = new BufferedStream(stream, 1 << 16);
        _in = new BufferedStream(stream, 1 << 16);
    }

    public void Send(params byte[][] parts)
    {
        WriteAscii($"*{parts.Length}\r\n");
        foreach (var part in parts)
        {
            WriteAscii($"${part.Length}\r\n");
            _out.Write(part);
            WriteAscii("\r\n");
        }
    }

    public void Flush() => _out.Flush();

    public string ReadLine()
    {
        var line = new StringBuilder();
        for (var b = _in.ReadByte(); b != '\n'; b = _in.ReadByte())
        {
            if (b < 0)
            {
                throw new EndOfStreamException("redis closed the connection");
            }

            if (b != '\r')
            {
                line.Append((char)b);
            }
        }

        return line.ToString();
    }

    public string ReadBulk()
    {
        var header = ReadLine();
        if (!header.StartsWith('$'))
        {
            throw new InvalidOperationException($"expected a bulk string, got {header}");
        }

        var body = new byte[int.Parse(header.AsSpan(1), CultureInfo.InvariantCulture) + 2];
        _in.ReadExactly(body);
        return Encoding.ASCII.GetString(body, 0, body.Length - 2);
    }

    public void Dispose()
    {
        _out.Dispose();
        _in.Dispose();
        _tcp.Dispose();
    }

    private void WriteAscii(string text) => _out.Write(Encoding.ASCII.GetBytes(text));
}
