// Copyright (c) RaftCache contributors. Licensed under the MIT License.

// Commands and snapshot frames are read with the shared codec; a short or malformed field ends in a
// StateMachineFormatException naming it, before any state changes.
global using FormatReader = RaftCache.Codec.ByteReader<RaftCache.StateMachine.StateMachineFormatException>;
