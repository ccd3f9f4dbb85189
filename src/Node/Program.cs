// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node;
using RaftCache.Node.Dev;
using RaftCache.Node.Gateway;

// `raftcache dev` starts a local cluster of node processes, `raftcache gateway` one address in front of a
// cluster; anything else runs one node.
return args switch
{
    ["dev", ..] => await DevCluster.RunAsync(args[1..]),
    ["gateway", ..] => await GatewayProgram.RunAsync(args[1..]),
    ["join-token", ..] => RaftCache.Node.Membership.JoinTokenProgram.Run(args[1..], Console.Out, Console.Error),
    _ => await RunNodeAsync(args),
};

static Task<int> RunNodeAsync(string[] args)
{
    SocketCompletions.InlineUnlessSet();
    return NodeProgram.RunAsync(args);
}
