// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using StackExchange.Redis;

namespace RaftCache.Resp.Tests.Cluster;

/// <summary>StackExchange.Redis, unchanged, against a 3-node cluster in proxy mode: any node answers any key.</summary>
public sealed class ProxyModeTests(RespCluster fixture) : IClassFixture<RespCluster>
{
    [Fact]
    public async Task A_value_set_through_one_node_reads_back_through_every_node()
    {
        await using var one = await fixture.ConnectAsync(1);
        Assert.True(await one.GetDatabase().StringSetAsync("greeting", "hello", TimeSpan.FromMinutes(5)));
        for (var node = 1; node <= 3; node++)
        {
            await using var other = await fixture.ConnectAsync(node);
            var db = other.GetDatabase();
            Assert.Equal("hello", (string?)await db.StringGetAsync("greeting"));
            var ttl = await db.KeyTimeToLiveAsync("greeting");
            Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
        }
    }

    [Fact]
    public async Task Set_options_behave_as_in_redis()
    {
        await using var redis = await fixture.ConnectAsync(2);
        var db = redis.GetDatabase();
        await db.KeyDeleteAsync("opt");
        Assert.False(await db.StringSetAsync("opt", "x", when: When.Exists));
        Assert.True(await db.StringSetAsync("opt", "a", when: When.NotExists));
        Assert.False(await db.StringSetAsync("opt", "b", when: When.NotExists));
        Assert.Equal("a", (string?)await db.StringSetAndGetAsync("opt", "c", TimeSpan.FromSeconds(100)));
        Assert.True(await db.StringSetAsync("opt", "d", null, keepTtl: true));
        Assert.InRange((await db.KeyTimeToLiveAsync("opt"))!.Value.TotalSeconds, 90, 100);
        Assert.Equal("d", (string?)await db.StringGetSetAsync("opt", "e"));
        Assert.Null(await db.KeyTimeToLiveAsync("opt"));
        Assert.Equal("e", (string?)await db.StringGetSetExpiryAsync("opt", TimeSpan.FromSeconds(50)));
        Assert.InRange((await db.KeyTimeToLiveAsync("opt"))!.Value.TotalSeconds, 40, 50);
        Assert.Equal("e", (string?)await db.StringGetDeleteAsync("opt"));
        Assert.False(await db.KeyExistsAsync("opt"));
        Assert.Equal(1, (long)await db.ExecuteAsync("SETNX", "opt", "n"));
        Assert.Equal(0, (long)await db.ExecuteAsync("SETNX", "opt", "m"));
        Assert.Equal("OK", (string?)await db.ExecuteAsync("SETEX", "opt", "100", "v"));
        Assert.Equal("OK", (string?)await db.ExecuteAsync("PSETEX", "opt", "100000", "w"));
        Assert.InRange((long)await db.ExecuteAsync("PTTL", "opt"), 90_000, 100_000);
        Assert.Equal(5, await db.StringAppendAsync("opt", "orld"));
        Assert.Equal(5, await db.StringLengthAsync("opt"));
        Assert.Equal("world", (string?)await db.StringGetAsync("opt"));
    }

    [Fact]
    public async Task Counters_are_computed_by_the_replicas_and_keep_their_expiry()
    {
        await using var redis = await fixture.ConnectAsync(3);
        var db = redis.GetDatabase();
        await db.KeyDeleteAsync(["c", "f"]);
        Assert.Equal(1, await db.StringIncrementAsync("c"));
        Assert.Equal(11, await db.StringIncrementAsync("c", 10));
        Assert.True(await db.KeyExpireAsync("c", TimeSpan.FromSeconds(60)));
        Assert.Equal(10, await db.StringDecrementAsync("c"));
        Assert.Equal(3, await db.StringDecrementAsync("c", 7));
        Assert.InRange((await db.KeyTimeToLiveAsync("c"))!.Value.TotalSeconds, 50, 60);
        Assert.Equal(2.5, await db.StringIncrementAsync("f", 2.5));
        Assert.Equal(2.75, await db.StringIncrementAsync("f", 0.25));
        await db.StringSetAsync("word", "abc");
        var error = await Assert.ThrowsAsync<RedisServerException>(() => db.StringIncrementAsync("word"));
        Assert.StartsWith("ERR value is not an integer", error.Message);
        await db.StringSetAsync("big", long.MaxValue);
        Assert.StartsWith("ERR increment or decrement would overflow", (await Assert.ThrowsAsync<RedisServerException>(() => db.StringIncrementAsync("big"))).Message);
    }

    [Fact]
    public async Task Multi_key_commands_span_shards()
    {
        await using var redis = await fixture.ConnectAsync(1);
        var db = redis.GetDatabase();
        var keys = Enumerable.Range(0, 20).Select(i => (RedisKey)$"multi:{i}").ToArray();
        Assert.True(await db.StringSetAsync(keys.Select((k, i) => new KeyValuePair<RedisKey, RedisValue>(k, i)).ToArray()));
        var values = await db.StringGetAsync([.. keys, "multi:absent"]);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (RedisValue)i).Append(RedisValue.Null), values);
        Assert.Equal(20, await db.KeyExistsAsync(keys));
        Assert.Equal(10, await db.KeyDeleteAsync(keys[..10]));
        Assert.Equal(10, (long)await db.ExecuteAsync("UNLINK", [.. keys[10..].Select(k => (object)k.ToString()), "multi:absent"]));
        Assert.Equal(0, await db.KeyExistsAsync(keys));
    }

    [Fact]
    public async Task Expiry_commands_set_read_and_clear_expiries()
    {
        await using var redis = await fixture.ConnectAsync(2);
        var db = redis.GetDatabase();
        await db.StringSetAsync("exp", "v");
        Assert.Equal(-1, (long)await db.ExecuteAsync("TTL", "exp"));
        Assert.True(await db.KeyExpireAsync("exp", DateTime.UtcNow.AddSeconds(30)));
        var at = (long)await db.ExecuteAsync("EXPIRETIME", "exp");
        Assert.InRange(at, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 25, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 31);
        Assert.Equal(1, (long)await db.ExecuteAsync("PEXPIRE", "exp", "20000"));
        Assert.InRange((long)await db.ExecuteAsync("TTL", "exp"), 15, 20);
        Assert.True(await db.KeyPersistAsync("exp"));
        Assert.False(await db.KeyPersistAsync("exp"));
        Assert.Equal(-1, (long)await db.ExecuteAsync("PEXPIRETIME", "exp"));
        Assert.Equal(1, (long)await db.ExecuteAsync("PEXPIREAT", "exp", (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1000).ToString()));
        Assert.False(await db.KeyExistsAsync("exp"));
        Assert.Equal(-2, (long)await db.ExecuteAsync("TTL", "exp"));
        Assert.False(await db.KeyExpireAsync("exp", TimeSpan.FromSeconds(5)));
        await db.StringSetAsync("short", "v", TimeSpan.FromMilliseconds(300));
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (await db.KeyExistsAsync("short") && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.False(await db.KeyExistsAsync("short"));
    }

    [Fact]
    public async Task Hashes_read_and_write_field_by_field()
    {
        await using var redis = await fixture.ConnectAsync(1);
        var db = redis.GetDatabase();
        await db.KeyDeleteAsync("user:1");
        await db.HashSetAsync("user:1", [new("name", "ada"), new("lang", "c#")]);
        Assert.True(await db.HashSetAsync("user:1", "city", "london"));
        Assert.False(await db.HashSetAsync("user:1", "city", "paris", When.NotExists));
        Assert.Equal("london", (string?)await db.HashGetAsync("user:1", "city"));
        Assert.Equal(["ada", null, "c#"], (await db.HashGetAsync("user:1", ["name", "none", "lang"])).Select(v => (string?)v));
        Assert.Equal(3, await db.HashLengthAsync("user:1"));
        Assert.Equal(5, await db.HashIncrementAsync("user:1", "visits", 5));
        Assert.True(await db.HashExistsAsync("user:1", "visits"));
        Assert.Equal(["city", "lang", "name", "visits"], (await db.HashKeysAsync("user:1")).Select(v => (string?)v));
        Assert.Equal(["london", "c#", "ada", "5"], (await db.HashValuesAsync("user:1")).Select(v => (string?)v));
        Assert.Equal(4, (await db.HashGetAllAsync("user:1")).Length);
        Assert.Equal(2, await db.HashDeleteAsync("user:1", ["city", "nope", "lang"]));
        Assert.Equal(RedisType.Hash, await db.KeyTypeAsync("user:1"));
        var wrong = await Assert.ThrowsAsync<RedisServerException>(() => db.StringGetAsync("user:1"));
        Assert.StartsWith("WRONGTYPE", wrong.Message);
        Assert.Equal("OK", (string?)await db.ExecuteAsync("HMSET", "user:1", "a", "1"));
        Assert.Equal(2, await db.HashDeleteAsync("user:1", ["name", "visits"]));
        Assert.True(await db.HashDeleteAsync("user:1", "a"));
        Assert.False(await db.KeyExistsAsync("user:1"));
    }

    [Fact]
    public async Task A_pipelined_batch_is_answered_in_order()
    {
        // The increments of one key run one after the other, each a replicated commit, and the batch's replies are
        // written once all its commands are done, while the client times each command from the moment it sent it: the
        // whole chain must fit in that timeout. 200 increments did not within 10 s on a loaded 2-core machine
        // (load average 44); 50 get 60 s, over a second per commit.
        await using var redis = await fixture.ConnectAsync(2, timeout: TimeSpan.FromSeconds(60));
        var db = redis.GetDatabase();
        await db.KeyDeleteAsync("seq");
        var batch = db.CreateBatch();
        var increments = Enumerable.Range(0, 50).Select(_ => batch.StringIncrementAsync("seq")).ToArray();
        var sets = Enumerable.Range(0, 50).Select(i => batch.StringSetAsync($"pipe:{i}", i)).ToArray();
        batch.Execute();
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), await Task.WhenAll(increments));
        Assert.All(await Task.WhenAll(sets), Assert.True);
        var reads = Enumerable.Range(0, 50).Select(i => db.StringGetAsync($"pipe:{i}")).ToArray();
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (RedisValue)i), await Task.WhenAll(reads));
    }

    [Fact]
    public async Task One_raw_pipeline_mixing_shards_barriers_and_errors_is_answered_in_order()
    {
        // Sent as one write: commands of different shards run side by side, those of one key in order, and the
        // connection commands, the arity error and the two-shard MGET wait for what came before them.
        string[][] commands =
        [
            ["AUTH", fixture.AdminKey], ["DEL", "p:a"], ["DEL", "p:b"], ["DEL", "p:c"],
            ["SET", "p:a", "1"], ["SET", "p:b", "2"], ["GET", "p:a"], ["INCR", "p:c"], ["PING"], ["GET", "p:b"],
            ["DEL", "p:a"], ["GET", "p:a"], ["GET"], ["INCR", "p:c"], ["MGET", "p:a", "p:b"], ["ECHO", "x"], ["GET", "p:c"],
        ];
        var frame = new System.Text.StringBuilder();
        foreach (var args in commands)
        {
            frame.Append('*').Append(args.Length).Append("\r\n");
            foreach (var arg in args) frame.Append('$').Append(arg.Length).Append("\r\n").Append(arg).Append("\r\n");
        }

        await using var client = await RawRespClient.ConnectAsync(RespCluster.EndpointOf(fixture.Cluster.Node(1)));
        await client.SendRawAsync(System.Text.Encoding.UTF8.GetBytes(frame.ToString()));
        var replies = new List<string>();
        foreach (var _ in commands) replies.Add(await client.ReadReplyAsync());

        Assert.Equal("+OK", replies[0]);
        Assert.Equal(
            ["+OK", "+OK", "1", ":1", "+PONG", "2", ":1", "(nil)", "-ERR wrong number of arguments for 'get' command", ":2", "[(nil), 2]", "x", "2"],
            replies.Skip(4));
    }

    [Fact]
    public async Task Scan_and_keys_list_what_was_written()
    {
        await using var redis = await fixture.ConnectAsync(1);
        var db = redis.GetDatabase();
        for (var i = 0; i < 30; i++) await db.StringSetAsync($"scan:{i}", i);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var scanned = server.Keys(pattern: "scan:*", pageSize: 7).Select(k => (string)k!).ToHashSet();
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"scan:{i}").ToHashSet(), scanned);
        var listed = (RedisResult[])(await db.ExecuteAsync("KEYS", "scan:1?"))!;
        Assert.Equal(Enumerable.Range(10, 10).Select(i => $"scan:{i}").Order(), listed.Select(r => (string)r!).Order());
        Assert.True(await server.DatabaseSizeAsync() >= 30);
    }

    [Fact]
    public async Task Server_commands_answer_as_redis_tools_expect()
    {
        await using var redis = await fixture.ConnectAsync(3, protocol: RedisProtocol.Resp3);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        Assert.Equal(RedisProtocol.Resp3, server.Protocol);
        Assert.False(server.IsReplica);
        var info = await server.InfoAsync();
        Assert.Contains(info, group => group.Key == "Replication" && group.Any(p => p.Key == "role" && p.Value == "master"));
        Assert.Contains(info, group => group.Key == "RaftCache" && group.Any(p => p.Key == "raftcache_shards"));
        var time = await server.TimeAsync();
        Assert.InRange(time.ToUniversalTime(), DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));
        var db = redis.GetDatabase();
        Assert.Equal("hi", (string?)await db.ExecuteAsync("ECHO", "hi"));
        Assert.Equal(1, (long)await db.ExecuteAsync("WAIT", "1", "0"));
        Assert.Equal("OK", (string?)await db.ExecuteAsync("SELECT", "0"));
        Assert.StartsWith("ERR DB index", (await Assert.ThrowsAsync<RedisServerException>(() => db.ExecuteAsync("SELECT", "1"))).Message);
        Assert.True((long)await db.ExecuteAsync("COMMAND", "COUNT") >= RespCommandTable.All.Count);
        Assert.StartsWith("ERR This instance has cluster support disabled", (await Assert.ThrowsAsync<RedisServerException>(() => db.ExecuteAsync("CLUSTER", "SLOTS"))).Message);
        Assert.StartsWith("ERR unknown command 'NOSUCH'", (await Assert.ThrowsAsync<RedisServerException>(() => db.ExecuteAsync("NOSUCH", "x"))).Message);
        Assert.True(await db.PingAsync() >= TimeSpan.Zero); // the connection survived the errors
    }
}
