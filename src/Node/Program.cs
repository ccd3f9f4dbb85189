// Copyright (c) RaftCache contributors. Licensed under the MIT License.

// The node host is built by its own issue; until then the program only says so, so that the
// solution builds and nobody mistakes it for a working node.
Console.Error.WriteLine("raftcache: the node host is not built yet (see the issue 'The node (src/Node)').");
return 2;
