// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine;

/// <summary>
/// Remembers the results of session writes so that a retry returns the first result instead of applying again.
/// Everything here is driven by applied commands (their sequence numbers and timestamps), never by a clock,
/// so every replica keeps and drops exactly the same sessions.
/// </summary>
internal sealed class SessionTable(StateMachineOptions options)
{
    private readonly Dictionary<ulong, ClientState> _clients = [];

    public int Count => _clients.Count;

    public IEnumerable<KeyValuePair<ulong, ClientState>> Clients => _clients;

    /// <summary>True when this write was seen before; <paramref name="result"/> is then what the caller gets.</summary>
    public bool TryGetPrior(ClientSession session, out ApplyResult result)
    {
        result = default;
        if (!_clients.TryGetValue(session.ClientId, out var client))
        {
            return false;
        }

        if (client.Results.TryGetValue(session.Sequence, out var original))
        {
            result = original with { IsDuplicate = true };
            return true;
        }

        if (session.Sequence < client.Floor)
        {
            result = new ApplyResult(ApplyStatus.SessionResultDiscarded, 0, 0, IsDuplicate: true);
            return true;
        }

        return false;
    }

    public void Record(ClientSession session, long timestampMs, ApplyResult result)
    {
        if (!_clients.TryGetValue(session.ClientId, out var client))
        {
            if (_clients.Count >= options.MaxSessions)
            {
                DropLeastRecentlyActive();
            }

            client = new ClientState { LastActivityMs = timestampMs };
            _clients.Add(session.ClientId, client);
        }

        client.LastActivityMs = Math.Max(client.LastActivityMs, timestampMs);
        client.Results[session.Sequence] = result;
        if (session.FirstUnacknowledged > client.Floor)
        {
            client.RaiseFloor(session.FirstUnacknowledged);
        }

        if (client.Results.Count > options.MaxResultsPerSession)
        {
            client.RaiseFloor(client.Results.Keys.Min() + 1);
        }
    }

    /// <summary>Drops sessions idle for the configured timeout as of <paramref name="nowMs"/> (a sweep's timestamp).</summary>
    public int ExpireIdle(long nowMs)
    {
        var expired = 0;
        foreach (var (clientId, client) in _clients)
        {
            if (client.LastActivityMs <= nowMs - options.SessionTimeoutMs)
            {
                _clients.Remove(clientId);
                expired++;
            }
        }

        return expired;
    }

    public void Clear() => _clients.Clear();

    public void Restore(ulong clientId, ClientState client)
    {
        if (!_clients.TryAdd(clientId, client))
        {
            throw new StateMachineFormatException($"Snapshot holds client session {clientId} twice.");
        }
    }

    private void DropLeastRecentlyActive()
    {
        var victim = _clients.Aggregate((a, b) =>
            (b.Value.LastActivityMs, b.Key).CompareTo((a.Value.LastActivityMs, a.Key)) < 0 ? b : a);
        _clients.Remove(victim.Key);
    }

    /// <summary>One client's results that it has not yet acknowledged.</summary>
    internal sealed class ClientState
    {
        /// <summary>Results below this sequence were acknowledged (or displaced) and are gone.</summary>
        public ulong Floor { get; set; }

        /// <summary>Latest command timestamp (Unix ms) of this client, for idle expiry.</summary>
        public long LastActivityMs { get; set; }

        public Dictionary<ulong, ApplyResult> Results { get; } = [];

        public void RaiseFloor(ulong floor)
        {
            Floor = floor;
            foreach (var sequence in Results.Keys)
            {
                if (sequence < floor)
                {
                    Results.Remove(sequence);
                }
            }
        }

        public ClientState Clone()
        {
            var copy = new ClientState { Floor = Floor, LastActivityMs = LastActivityMs };
            foreach (var (sequence, result) in Results)
            {
                copy.Results.Add(sequence, result);
            }

            return copy;
        }
    }
}
