// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine.Tests;

public sealed class StateHashTests
{
    [Fact]
    public void The_hash_does_not_depend_on_insertion_order_or_hash_seed_only_on_contents()
    {
        var a = new CacheStateMachine(new StateMachineOptions { HashSeed = 1 });
        var b = new CacheStateMachine(new StateMachineOptions { HashSeed = 2 });
        a.Apply(1, Put("x", "1", expiresAtMs: null));
        a.Apply(2, Put("y", "2", expiresAtMs: null));
        a.Apply(3, Put("x", "3", expiresAtMs: null));
        b.Apply(1, Put("y", "0", expiresAtMs: null));
        b.Apply(2, Put("y", "2", expiresAtMs: null));
        b.Apply(3, Put("x", "3", expiresAtMs: null));

        // a holds y@2 and x@3 after overwriting x; b reaches the same contents by another route.
        Assert.Equal(a.ComputeStateHash(), b.ComputeStateHash());
    }

    [Fact]
    public void Every_replicated_field_changes_the_hash()
    {
        var baseline = Hash(m => m.Apply(2, Put("k", "v", 9_000)));
        var variants = new[]
        {
            Hash(m => m.Apply(2, Put("j", "v", 9_000))),                                      // key
            Hash(m => m.Apply(2, Put("k", "w", 9_000))),                                      // value
            Hash(m => m.Apply(2, Put("k", "v", 9_001))),                                      // expiry
            Hash(m => m.Apply(2, Put("k", "v", null))),                                       // no expiry
            Hash(m => m.Apply(2, CommandCodec.EncodePut("k"u8, "v"u8, "text/plain"u8, 1_000, ExpiryMode.At, 9_000))), // content type
            Hash(m => { m.ApplyNoOp(2); m.Apply(3, Put("k", "v", 9_000)); }),                 // version and applied index
            Hash(m => m.Apply(2, CommandCodec.EncodePut("k"u8, "v"u8, "application/json"u8, 1_000, ExpiryMode.At, 9_000, session: new ClientSession(1, 1, 1)))), // session
            Hash(m => { m.Apply(2, Put("k", "v", 9_000)); m.Apply(3, CommandCodec.EncodeSetMemoryLimit(1, 12_345)); }), // limit
        };

        Assert.DoesNotContain(baseline, variants);
        Assert.Equal(variants.Length, variants.Distinct().Count());
        Assert.Equal(baseline, Hash(m => m.Apply(2, Put("k", "v", 9_000))));
    }

    [Fact]
    public void The_hash_prints_as_sixteen_hex_digits()
    {
        Assert.Matches("^[0-9a-f]{16}$", new CacheStateMachine().ComputeStateHash().ToString());
    }

    private static StateHash Hash(Action<CacheStateMachine> write)
    {
        var machine = new CacheStateMachine();
        machine.Apply(1, Put("other", "o", null));
        write(machine);
        return machine.ComputeStateHash();
    }

    private static byte[] Put(string key, string value, long? expiresAtMs) => TestCommand.Put(key, value, 1_000, expiresAtMs).Encode();
}
