// Copyright (c) RaftCache contributors. Licensed under the MIT License.

// Peer frames are read and written with the shared codec (docs/peer-protocol.md); a truncated or hostile input
// ends in a PeerProtocolException, which closes only that connection.
global using WireReader = RaftCache.Codec.ByteReader<RaftCache.Node.Transport.PeerProtocolException>;
global using WireWriter = RaftCache.Codec.ByteWriter;
