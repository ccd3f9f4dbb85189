// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine;

/// <summary>One page of keys in byte order; pass <see cref="NextCursor"/> back to get the next page.</summary>
/// <param name="Entries">Visible entries, in ascending byte order of their keys.</param>
/// <param name="NextCursor">The last key of this page when more may follow, or null at the end.</param>
public sealed record KeyPage(IReadOnlyList<CacheEntry> Entries, ReadOnlyMemory<byte>? NextCursor);
