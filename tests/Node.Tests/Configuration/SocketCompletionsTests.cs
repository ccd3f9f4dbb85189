// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Tests.Configuration;

/// <summary>
/// The node turns inline socket completions on for itself, and an operator's own setting wins. The runtime reads the
/// variable once, before the test host's first socket, so changing it here affects nothing else in this process.
/// </summary>
public sealed class SocketCompletionsTests
{
    [Fact]
    public void A_node_runs_socket_completions_inline_when_the_operator_left_the_variable_unset()
    {
        var saved = Environment.GetEnvironmentVariable(SocketCompletions.Variable);
        try
        {
            Environment.SetEnvironmentVariable(SocketCompletions.Variable, null);
            SocketCompletions.InlineUnlessSet();
            Assert.Equal("1", Environment.GetEnvironmentVariable(SocketCompletions.Variable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(SocketCompletions.Variable, saved);
        }
    }

    [Fact]
    public void An_operator_who_turned_inline_completions_off_keeps_them_off()
    {
        var saved = Environment.GetEnvironmentVariable(SocketCompletions.Variable);
        try
        {
            Environment.SetEnvironmentVariable(SocketCompletions.Variable, "0");
            SocketCompletions.InlineUnlessSet();
            Assert.Equal("0", Environment.GetEnvironmentVariable(SocketCompletions.Variable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(SocketCompletions.Variable, saved);
        }
    }
}
