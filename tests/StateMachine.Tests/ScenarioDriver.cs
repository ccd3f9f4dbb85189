// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using FsCheck;
using FsCheck.Fluent;

namespace RaftCache.StateMachine.Tests;

/// <summary>The dice for one step of a scenario; FsCheck generates arrays of them.</summary>
internal readonly record struct Step(int Kind, int Key, int Size, int ContentType, int TimeStep, int Offset, int Condition, int Client, int Lag, int ReadAt);

/// <summary>
/// Turns dice into a plausible command stream: few keys (so writes collide), a clock that mostly advances but may
/// step back (a new leader's clock), conditions that sometimes hold, and session writes that are sometimes retried
/// byte for byte. Deterministic: the same steps give the same commands.
/// </summary>
internal sealed class ScenarioDriver
{
    public const int KeyCount = 12;
    public const long SessionTimeoutMs = 1_500;
    public const int MaxResultsPerSession = 3;

    private static readonly string[] ContentTypes = ["", "application/json", "application/octet-stream", "text/x-custom; v=1"];
    private readonly ulong[] _nextSequence = new ulong[4];
    private readonly List<TestCommand> _sent = [];

    public long ClockMs { get; private set; } = 1_000_000;

    public static Gen<Step[]> Steps(int maxLength) =>
        from length in Gen.Choose(1, maxLength)
        from steps in Gen.ArrayOf(StepGen, length)
        select steps;

    private static Gen<Step> StepGen =>
        from kind in Gen.Choose(0, 99)
        from key in Gen.Choose(0, KeyCount - 1)
        from size in Gen.Choose(0, 400)
        from contentType in Gen.Choose(0, 3)
        from timeStep in Gen.Choose(-20, 300)
        from offset in Gen.Choose(-100, 2_000)
        from condition in Gen.Choose(0, 9)
        from client in Gen.Choose(0, 3)
        from lag in Gen.Choose(0, 3)
        from readAt in Gen.Choose(-200, 2_500)
        select new Step(kind, key, size, contentType, timeStep, offset, condition, client, lag, readAt);

    /// <summary>Seeded steps with the same distribution as <see cref="Steps"/>, for tests that must be reproducible.</summary>
    public static Step[] SeededSteps(int seed, int count)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => new Step(
            random.Next(0, 100), random.Next(0, KeyCount), random.Next(0, 401), random.Next(0, 4), random.Next(-20, 301),
            random.Next(-100, 2_001), random.Next(0, 10), random.Next(0, 4), random.Next(0, 4), random.Next(-200, 2_501))).ToArray();
    }

    public static StateMachineOptions Options(long memoryLimit, ulong hashSeed) => new()
    {
        MemoryLimitBytes = memoryLimit,
        SessionTimeoutMs = SessionTimeoutMs,
        MaxResultsPerSession = MaxResultsPerSession,
        HashSeed = hashSeed,
    };

    public static string KeyName(int key) => $"k{key:D2}";

    /// <summary>The command for <paramref name="step"/>; <paramref name="versionOf"/> gives a key's visible version.</summary>
    public TestCommand Next(Step step, Func<string, ulong> versionOf)
    {
        ClockMs += step.TimeStep;
        if (step.Kind >= 88 && _sent.Count > 0)
        {
            return _sent[step.Key * 7919 % _sent.Count];
        }

        var key = KeyName(step.Key);
        var command = step.Kind switch
        {
            < 55 or >= 88 => Put(step, key, versionOf(key)),
            < 70 => new TestCommand
            {
                Kind = CommandKind.Delete,
                Key = key,
                Condition = step.Condition >= 7 ? WriteCondition.IfVersion : WriteCondition.None,
                ExpectedVersion = step.Condition >= 7 ? Expected(step, versionOf(key)) : 0,
            },
            < 72 => new TestCommand { Kind = CommandKind.Flush },
            < 85 => new TestCommand
            {
                Kind = CommandKind.ExpirySweep,
                SweepUpToMs = ClockMs - 200 + (step.Offset / 2),
                SweepMaxKeys = (uint)(step.Size % 4),
            },
            // A quarter of the limits are below the largest entry, so some writes must be refused.
            _ => new TestCommand { Kind = CommandKind.SetMemoryLimit, MemoryLimit = step.Size < 100 ? 300 + step.Size : step.Size * 15 },
        };
        command = command with { TimestampMs = ClockMs };
        if (step.Client == 0 || command.Kind is CommandKind.ExpirySweep or CommandKind.SetMemoryLimit)
        {
            return command;
        }

        var sequence = ++_nextSequence[step.Client];
        command = command with
        {
            ClientId = (ulong)step.Client,
            Sequence = sequence,
            FirstUnacknowledged = sequence - Math.Min(sequence, (ulong)step.Lag),
        };
        _sent.Add(command);
        return command;
    }

    private TestCommand Put(Step step, string key, ulong currentVersion)
    {
        var value = new byte[step.Size];
        for (var i = 0; i < value.Length; i++)
        {
            value[i] = (byte)(step.Key + (i * 31) + step.TimeStep);
        }

        var (condition, expected) = step.Condition switch
        {
            6 or 7 => (WriteCondition.IfVersion, Expected(step, currentVersion)),
            8 or 9 => (WriteCondition.IfAbsent, 0UL),
            _ => (WriteCondition.None, 0UL),
        };
        var expiryMode = ((step.Lag + step.Condition) % 5) switch { 0 or 1 => ExpiryMode.None, 2 or 3 => ExpiryMode.At, _ => ExpiryMode.Keep };
        return new TestCommand
        {
            Kind = CommandKind.Put,
            Key = key,
            Value = value,
            ContentType = ContentTypes[step.ContentType],
            Condition = condition,
            ExpectedVersion = expected,
            ExpiryMode = expiryMode,
            ExpiresAtMs = expiryMode == ExpiryMode.At ? ClockMs + step.Offset : 0,
        };
    }

    /// <summary>Usually the right version (so CAS succeeds), sometimes a stale or made-up one.</summary>
    private static ulong Expected(Step step, ulong current) => step.Lag switch
    {
        0 or 1 => current,
        2 => current + 1,
        _ => current == 0 ? 0 : current - 1,
    };
}
