// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Resp.Tests.Cluster;

/// <summary>
/// Every command of the table, run once on a live cluster with typical arguments: each must answer without an
/// unknown-command, arity or protocol error. A command added to the table without a sample here fails the test.
/// </summary>
public sealed class EveryCommandTests(RespCluster fixture) : IClassFixture<RespCluster>
{
    private static readonly Dictionary<string, string[]> Samples = new()
    {
        ["PING"] = [], ["ECHO"] = ["x"], ["HELLO"] = ["2"], ["AUTH"] = [], ["QUIT"] = [], ["RESET"] = [], ["SELECT"] = ["0"],
        ["CLIENT"] = ["ID"], ["COMMAND"] = ["COUNT"], ["INFO"] = [], ["DBSIZE"] = [], ["TIME"] = [], ["WAIT"] = ["1", "0"],
        ["READONLY"] = [], ["READWRITE"] = [], ["CONFIG"] = ["GET", "maxmemory"], ["CLUSTER"] = ["KEYSLOT", "k"],
        ["GET"] = ["ec:s"], ["SET"] = ["ec:s", "1", "PX", "60000", "GET"], ["SETNX"] = ["ec:s2", "v"], ["SETEX"] = ["ec:s3", "60", "v"],
        ["PSETEX"] = ["ec:s3", "60000", "v"], ["GETSET"] = ["ec:s", "2"], ["GETDEL"] = ["ec:s3"], ["GETEX"] = ["ec:s", "PERSIST"],
        ["APPEND"] = ["ec:a", "x"], ["STRLEN"] = ["ec:a"], ["MGET"] = ["ec:s", "ec:a"], ["MSET"] = ["ec:m1", "1", "ec:m2", "2"], ["MSETNX"] = ["{ec}:x1", "1", "{ec}:x2", "2"],
        ["INCR"] = ["ec:n"], ["DECR"] = ["ec:n"], ["INCRBY"] = ["ec:n", "5"], ["DECRBY"] = ["ec:n", "2"], ["INCRBYFLOAT"] = ["ec:f", "0.5"],
        ["DEL"] = ["ec:m1"], ["UNLINK"] = ["ec:m2"], ["EXISTS"] = ["ec:s"], ["TYPE"] = ["ec:s"], ["EXPIRE"] = ["ec:s", "100"],
        ["PEXPIRE"] = ["ec:s", "100000"], ["EXPIREAT"] = ["ec:s", "4102444800"], ["PEXPIREAT"] = ["ec:s", "4102444800000"],
        ["PERSIST"] = ["ec:s"], ["TTL"] = ["ec:s"], ["PTTL"] = ["ec:s"], ["EXPIRETIME"] = ["ec:s"], ["PEXPIRETIME"] = ["ec:s"],
        ["SCAN"] = ["0", "COUNT", "5"], ["KEYS"] = ["ec:*"], ["HSET"] = ["ec:h", "f", "1"], ["HMSET"] = ["ec:h", "g", "2"],
        ["HSETNX"] = ["ec:h", "z", "3"], ["HGET"] = ["ec:h", "f"], ["HMGET"] = ["ec:h", "f", "g"], ["HGETALL"] = ["ec:h"],
        ["HDEL"] = ["ec:h", "z"], ["HEXISTS"] = ["ec:h", "f"], ["HLEN"] = ["ec:h"], ["HKEYS"] = ["ec:h"], ["HVALS"] = ["ec:h"],
        ["HINCRBY"] = ["ec:h", "f", "4"], ["FLUSHDB"] = [], ["FLUSHALL"] = [],
    };

    [Fact]
    public void Every_command_in_the_table_has_a_sample()
    {
        Assert.Empty(RespCommandTable.All.Select(c => c.Name).Except(Samples.Keys));
    }

    [Fact]
    public async Task Every_command_answers_without_an_unknown_arity_or_protocol_error()
    {
        // Connection-ending and flushing commands last, each on a connection of its own.
        var last = new[] { "RESET", "QUIT", "FLUSHDB", "FLUSHALL" };
        var order = RespCommandTable.All.Select(c => c.Name).Where(n => !last.Contains(n)).Concat(last);
        foreach (var name in order)
        {
            await using var client = await RawRespClient.ConnectAsync(RespCluster.EndpointOf(fixture.Cluster.Node(2)));
            Assert.Equal("+OK", await client.CallAsync("AUTH", fixture.AdminKey));
            var args = name == "AUTH" ? [fixture.AdminKey] : Samples[name];
            var reply = await client.CallAsync([name, .. args]);
            Assert.False(reply.StartsWith("-ERR unknown", StringComparison.Ordinal) || reply.StartsWith("-ERR wrong number", StringComparison.Ordinal)
                || reply.StartsWith("-ERR Protocol", StringComparison.Ordinal) || reply.StartsWith("-ERR syntax", StringComparison.Ordinal), $"{name}: {reply}");
            if (name != "CLUSTER") Assert.False(reply.StartsWith('-'), $"{name}: {reply}");
        }
    }
}
