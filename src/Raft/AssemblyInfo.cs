// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Runtime.CompilerServices;

// The unit tests exercise the internal pieces (log, progress, quorum, membership) directly.
[assembly: InternalsVisibleTo("RaftCache.Raft.Tests")]
