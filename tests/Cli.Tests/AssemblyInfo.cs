// Copyright (c) RaftCache contributors. Licensed under the MIT License.

// Every class starts its own node processes; run them one at a time so clusters do not starve each other of CPU.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
