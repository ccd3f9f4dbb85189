// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Checker;

namespace RaftCache.Simulation.Checker;

/// <summary>Terse constructors for hand-written histories on one key ("k").</summary>
internal static class H
{
    public const string Key = "k";

    public static KvOperation Put(int client, string value, long call, long ret) =>
        new() { ClientId = client, Key = Key, Kind = KvOpKind.Put, Value = value, CallTime = call, ReturnTime = ret };

    public static KvOperation UnknownPut(int client, string value, long call) =>
        new() { ClientId = client, Key = Key, Kind = KvOpKind.Put, Value = value, CallTime = call, Outcome = KvOutcome.Indeterminate };

    public static KvOperation FailedPut(int client, string value, long call, long ret) =>
        new() { ClientId = client, Key = Key, Kind = KvOpKind.Put, Value = value, CallTime = call, ReturnTime = ret, Outcome = KvOutcome.Fail };

    public static KvOperation Get(int client, string? value, long version, long call, long ret) => new()
    {
        ClientId = client, Key = Key, Kind = KvOpKind.Get, CallTime = call, ReturnTime = ret,
        Found = value is not null, ReadValue = value, ReadVersion = version,
    };

    public static KvOperation Cas(int client, long expected, string value, bool succeeded, long call, long ret) => new()
    {
        ClientId = client, Key = Key, Kind = KvOpKind.Cas, ExpectedVersion = expected, Value = value,
        Found = succeeded, CallTime = call, ReturnTime = ret,
    };

    public static KvOperation PutIfAbsent(int client, string value, bool succeeded, long call, long ret) => new()
    {
        ClientId = client, Key = Key, Kind = KvOpKind.PutIfAbsent, Value = value, Found = succeeded, CallTime = call, ReturnTime = ret,
    };

    public static KvOperation Delete(int client, long call, long ret) =>
        new() { ClientId = client, Key = Key, Kind = KvOpKind.Delete, CallTime = call, ReturnTime = ret };

    public static CheckResult Check(params KvOperation[] ops) => LinearizabilityChecker.Check(ops, TimeSpan.FromSeconds(10));
}
