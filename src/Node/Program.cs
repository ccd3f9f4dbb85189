// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node;
using RaftCache.Node.Dev;

// `raftcache dev` starts a local cluster of node processes; anything else runs one node.
return args.Length > 0 && args[0] == "dev"
    ? await DevCluster.RunAsync(args[1..])
    : await NodeProgram.RunAsync(args);
