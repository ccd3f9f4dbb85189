// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine.Tests;

/// <summary>
/// The cache written the obvious way (a dictionary of strings, LINQ sorts for eviction and sweeps), straight from
/// API.md and docs/state-machine.md. The real state machine must give the same results and reads.
/// </summary>
internal sealed class ReferenceModel(long memoryLimitBytes, long sessionTimeoutMs, int maxResultsPerSession)
{
    private const int Overhead = 96;
    private readonly Dictionary<string, Entry> _entries = [];
    private readonly Dictionary<ulong, Client> _clients = [];

    public long MemoryLimitBytes { get; private set; } = memoryLimitBytes;

    public int Count => _entries.Count;

    public long AccountedBytes => _entries.Values.Sum(e => e.Size);

    public ApplyResult Apply(ulong index, TestCommand command)
    {
        if (command.ClientId != 0 && _clients.TryGetValue(command.ClientId, out var known))
        {
            if (known.Results.TryGetValue(command.Sequence, out var original))
            {
                return original with { IsDuplicate = true };
            }

            if (command.Sequence < known.Floor)
            {
                return new ApplyResult(ApplyStatus.SessionResultDiscarded, 0, 0, true);
            }
        }

        var result = command.Kind switch
        {
            CommandKind.Put => Put(index, command),
            CommandKind.Delete => Delete(index, command),
            CommandKind.Flush => Flush(index),
            CommandKind.ExpirySweep => Sweep(index, command),
            _ => SetLimit(index, command.MemoryLimit),
        };
        if (command.ClientId != 0)
        {
            Record(command, result);
        }

        return result;
    }

    public (byte[] Value, string ContentType, ulong Version, long? ExpiresAtMs)? Get(string key, long nowMs) =>
        _entries.TryGetValue(key, out var e) && e.ExpiresAtMs > nowMs
            ? (e.Value, e.ContentType, e.Version, e.ExpiresAtMs == long.MaxValue ? null : e.ExpiresAtMs)
            : null;

    public IEnumerable<string> VisibleKeysInByteOrder(long nowMs) => _entries.Values
        .Where(e => e.ExpiresAtMs > nowMs)
        .Select(e => e.Key)
        .OrderBy(k => k, Comparer<string>.Create((a, b) => string.CompareOrdinal(a, b)));

    private ApplyResult Put(ulong index, TestCommand c)
    {
        var current = Get(c.Key, c.TimestampMs);
        var currentVersion = current?.Version ?? 0;
        if ((c.Condition == WriteCondition.IfVersion && (current is null || currentVersion != c.ExpectedVersion))
            || (c.Condition == WriteCondition.IfAbsent && current is not null))
        {
            return new ApplyResult(ApplyStatus.PreconditionFailed, currentVersion, 0);
        }

        var expiry = c.ExpiryMode switch
        {
            ExpiryMode.At => c.ExpiresAtMs,
            ExpiryMode.Keep => current?.ExpiresAtMs ?? long.MaxValue,
            _ => long.MaxValue,
        };
        if (expiry <= c.TimestampMs)
        {
            _entries.Remove(c.Key);
            return new ApplyResult(ApplyStatus.Applied, index, 0);
        }

        var entry = new Entry(c.Key, c.ContentType, c.Value, index, expiry);
        if (entry.Size > MemoryLimitBytes)
        {
            return new ApplyResult(ApplyStatus.RefusedMemoryLimit, currentVersion, 0);
        }

        _entries.Remove(c.Key);
        long evicted = 0;
        while (AccountedBytes + entry.Size > MemoryLimitBytes)
        {
            var victim = _entries.Values.OrderBy(e => e.ExpiresAtMs).ThenBy(e => e.Version).First();
            _entries.Remove(victim.Key);
            evicted++;
        }

        _entries[c.Key] = entry;
        return new ApplyResult(ApplyStatus.Applied, index, evicted);
    }

    private ApplyResult Delete(ulong index, TestCommand c)
    {
        var current = Get(c.Key, c.TimestampMs);
        if (c.Condition == WriteCondition.IfVersion && (current is null || current.Value.Version != c.ExpectedVersion))
        {
            return new ApplyResult(ApplyStatus.PreconditionFailed, current?.Version ?? 0, 0);
        }

        _entries.Remove(c.Key);
        return new ApplyResult(ApplyStatus.Applied, index, current is null ? 0 : 1);
    }

    private ApplyResult Flush(ulong index)
    {
        var removed = _entries.Count;
        _entries.Clear();
        return new ApplyResult(ApplyStatus.Applied, index, removed);
    }

    private ApplyResult Sweep(ulong index, TestCommand c)
    {
        var doomed = _entries.Values.Where(e => e.ExpiresAtMs <= c.SweepUpToMs)
            .OrderBy(e => e.ExpiresAtMs).ThenBy(e => e.Version)
            .Take(c.SweepMaxKeys == 0 ? int.MaxValue : (int)c.SweepMaxKeys).ToList();
        doomed.ForEach(e => _entries.Remove(e.Key));
        foreach (var id in _clients.Where(kv => kv.Value.LastActivityMs <= c.TimestampMs - sessionTimeoutMs).Select(kv => kv.Key).ToList())
        {
            _clients.Remove(id);
        }

        return new ApplyResult(ApplyStatus.Applied, index, doomed.Count);
    }

    private ApplyResult SetLimit(ulong index, long limit)
    {
        MemoryLimitBytes = limit;
        return new ApplyResult(ApplyStatus.Applied, index, 0);
    }

    private void Record(TestCommand c, ApplyResult result)
    {
        if (!_clients.TryGetValue(c.ClientId, out var client))
        {
            _clients[c.ClientId] = client = new Client { LastActivityMs = c.TimestampMs };
        }

        client.LastActivityMs = Math.Max(client.LastActivityMs, c.TimestampMs);
        client.Results[c.Sequence] = result;
        client.Floor = Math.Max(client.Floor, c.FirstUnacknowledged);
        Prune(client);
        if (client.Results.Count > maxResultsPerSession)
        {
            client.Floor = client.Results.Keys.Min() + 1;
            Prune(client);
        }
    }

    private static void Prune(Client client)
    {
        foreach (var old in client.Results.Keys.Where(s => s < client.Floor).ToList())
        {
            client.Results.Remove(old);
        }
    }

    private sealed record Entry(string Key, string ContentType, byte[] Value, ulong Version, long ExpiresAtMs)
    {
        public long Size => System.Text.Encoding.UTF8.GetByteCount(Key) + System.Text.Encoding.UTF8.GetByteCount(ContentType) + Value.Length + Overhead;
    }

    private sealed class Client
    {
        public ulong Floor { get; set; }

        public long LastActivityMs { get; set; }

        public Dictionary<ulong, ApplyResult> Results { get; } = [];
    }
}
