// Copyright (c) RaftCache contributors. Licensed under the MIT License.

// TEMPORARY until the storage-drop branch lands: remove this file at merge.
namespace RaftCache.Node.Hosting;

internal static class WalDropShim
{
    public static void StageDropGroup(this RaftCache.Storage.IWriteAheadLog wal, ulong groupId)
    {
        _ = wal;
        _ = groupId;
    }
}
