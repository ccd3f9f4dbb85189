// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;

namespace RaftCache.Node.Security;

/// <summary>
/// Counts failed authentication attempts per client address in fixed windows; an address with
/// <c>limit</c> failures in its window is refused (429) until the window ends, so guessing keys costs time. The
/// table is bounded: when it is full of live windows, new addresses share one overflow entry, which then blocks
/// them all together; that is the price of an attack from very many addresses, paid by new clients only.
/// </summary>
public sealed class AuthFailureLimiter(int limit, TimeSpan window, TimeProvider time)
{
    public const int MaxTrackedAddresses = 10_000;

    // Requests from an in-process test server carry no address; they share one entry.
    private static readonly IPAddress Unknown = IPAddress.None;
    private static readonly IPAddress Overflow = IPAddress.Broadcast;

    private readonly Lock _lock = new();
    private readonly Dictionary<IPAddress, (DateTimeOffset Start, int Failures)> _windows = [];

    /// <summary>True (with the time left) when this address must wait before it may try again.</summary>
    public bool IsBlocked(IPAddress? address, out TimeSpan retryAfter)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            retryAfter = TimeSpan.Zero;
            var key = KeyOf(address);
            if (!_windows.ContainsKey(key) && _windows.Count >= MaxTrackedAddresses) key = Overflow;
            if (!_windows.TryGetValue(key, out var entry) || now >= entry.Start + window || entry.Failures < limit) return false;
            retryAfter = entry.Start + window - now;
            return true;
        }
    }

    public void RecordFailure(IPAddress? address)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var key = KeyOf(address);
            if (!_windows.ContainsKey(key) && _windows.Count >= MaxTrackedAddresses)
            {
                foreach (var stale in _windows.Where(w => now >= w.Value.Start + window).Select(w => w.Key).ToArray()) _windows.Remove(stale);
                if (_windows.Count >= MaxTrackedAddresses) key = Overflow;
            }
            _windows[key] = _windows.TryGetValue(key, out var entry) && now < entry.Start + window
                ? (entry.Start, entry.Failures + 1)
                : (now, 1);
        }
    }

    public int TrackedAddresses
    {
        get
        {
            lock (_lock) return _windows.Count;
        }
    }

    private static IPAddress KeyOf(IPAddress? address) => address is null ? Unknown : address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
