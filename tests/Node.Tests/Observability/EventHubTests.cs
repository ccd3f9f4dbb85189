// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Observability;

namespace RaftCache.Node.Tests.Observability;

public sealed class EventHubTests
{
    [Fact]
    public void Subscribers_beyond_the_limit_are_refused_and_a_freed_place_is_taken_again()
    {
        var hub = new EventHub();
        var subscriptions = Enumerable.Range(0, EventHub.MaxSubscribers).Select(_ => hub.Subscribe()).ToList();

        Assert.All(subscriptions, Assert.NotNull);
        Assert.Null(hub.Subscribe());
        subscriptions[0]!.Dispose();
        Assert.NotNull(hub.Subscribe());
    }

    [Fact]
    public async Task A_subscriber_that_falls_behind_is_dropped_and_the_others_get_every_event()
    {
        var hub = new EventHub();
        using var slow = hub.Subscribe()!;
        using var fast = hub.Subscribe()!;
        var received = new List<ClusterEvent>();

        for (var i = 0; i < EventHub.QueueCapacity + 10; i++)
        {
            hub.Publish("leader", $"{{\"n\":{i}}}");
            while (fast.Events.TryRead(out var evt)) received.Add(evt);
        }

        Assert.Equal(EventHub.QueueCapacity + 10, received.Count);
        Assert.Equal(Enumerable.Range(1, EventHub.QueueCapacity + 10).Select(i => (long)i), received.Select(e => e.Id));
        Assert.Equal(1, hub.SubscriberCount);
        Assert.Equal(1, hub.Dropped);
        // The slow reader still gets what was queued before it was dropped, then its stream ends.
        var queued = 0;
        await foreach (var _ in slow.Events.ReadAllAsync()) queued++;
        Assert.Equal(EventHub.QueueCapacity, queued);
    }
}
