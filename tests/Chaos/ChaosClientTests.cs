// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RaftCache.Chaos;

/// <summary>
/// The client's outcome classification at the edges that decide whether a history is judged correctly: a node
/// that is down (refused: fail) versus a node killed after it read the request (indeterminate, even though
/// HttpClient's own retry then meets a refused connection). Loopback addresses no chaos node uses (127.0.0.50-51).
/// </summary>
public sealed class ChaosClientTests
{
    [Fact]
    public async Task A_refused_connection_is_a_definite_failure()
    {
        var op = await ChaosClient.RunAsync(new ChaosOp { Client = 0, Key = "k", Kind = OpKind.Delete, Node = 41, Call = 0 });
        Assert.Equal(OpOutcome.Fail, op.Outcome);
    }

    [Fact]
    public async Task A_connection_closed_after_the_request_was_read_is_indeterminate_and_never_resent()
    {
        var listener = new TcpListener(IPAddress.Parse(ChaosCluster.Address(40)), 5001);
        listener.Start();
        var server = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync();
            var buffer = new byte[4096];
            var text = new StringBuilder();
            while (!text.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await socket.ReceiveAsync(buffer);
                if (read == 0) break;
                text.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            listener.Stop(); // a re-sent request would now be refused, as by a killed node
            return text.ToString();
        });

        // A DELETE has no body: that is the case SocketsHttpHandler re-sends after an empty answer.
        var op = await ChaosClient.RunAsync(new ChaosOp { Client = 0, Key = "k", Kind = OpKind.Delete, Node = 40, Call = 0 });
        var request = await server;

        Assert.StartsWith("DELETE /keys/k", request, StringComparison.Ordinal);
        Assert.Equal(OpOutcome.Indeterminate, op.Outcome);
    }
}
