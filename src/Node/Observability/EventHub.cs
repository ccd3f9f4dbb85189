// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Threading.Channels;

namespace RaftCache.Node.Observability;

/// <summary>One server-sent event: its sequence number, name and JSON data.</summary>
public sealed record ClusterEvent(long Id, string Name, string Data);

/// <summary>
/// Fans cluster events out to the subscribers of GET /admin/events. Both ends are bounded: at most
/// <see cref="MaxSubscribers"/> streams, each with a queue of <see cref="QueueCapacity"/> events. A subscriber
/// whose queue is full is dropped (its stream ends; it reconnects and starts again from a fresh state), so a
/// slow reader never holds up the node or the other subscribers.
/// </summary>
public sealed class EventHub
{
    public const int MaxSubscribers = 32;
    public const int QueueCapacity = 256;

    private readonly Lock _lock = new();
    private readonly List<Subscription> _subscribers = [];
    private long _nextId;

    public int SubscriberCount
    {
        get
        {
            lock (_lock) return _subscribers.Count;
        }
    }

    /// <summary>Subscribers dropped because they did not keep up (since start).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    private long _dropped;

    /// <summary>A new subscription, or null when <see cref="MaxSubscribers"/> are connected.</summary>
    public Subscription? Subscribe()
    {
        lock (_lock)
        {
            if (_subscribers.Count >= MaxSubscribers) return null;
            var subscription = new Subscription(this);
            _subscribers.Add(subscription);
            return subscription;
        }
    }

    public void Publish(string name, string data)
    {
        lock (_lock)
        {
            var evt = new ClusterEvent(++_nextId, name, data);
            for (var i = _subscribers.Count - 1; i >= 0; i--)
            {
                if (_subscribers[i].Queue.Writer.TryWrite(evt)) continue;
                _subscribers[i].Queue.Writer.TryComplete();
                _subscribers.RemoveAt(i);
                Interlocked.Increment(ref _dropped);
            }
        }
    }

    /// <summary>The sequence number the next published event will carry minus one (a hello event names it).</summary>
    public long LastId
    {
        get
        {
            lock (_lock) return _nextId;
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (_lock) _subscribers.Remove(subscription);
    }

    public sealed class Subscription(EventHub hub) : IDisposable
    {
        internal Channel<ClusterEvent> Queue { get; } = Channel.CreateBounded<ClusterEvent>(new BoundedChannelOptions(QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of silently dropping an event
        });

        public ChannelReader<ClusterEvent> Events => Queue.Reader;

        public void Dispose() => hub.Remove(this);
    }
}
