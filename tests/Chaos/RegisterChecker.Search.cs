// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;

namespace RaftCache.Chaos;

public static partial class RegisterChecker
{
    private sealed class Event
    {
        public int Op;
        public bool IsCall;
        public Event? Match;
        public Event? Prev;
        public Event? Next;
    }

    /// <summary>Lowe's memo key: which operations are linearized, and the value they led to.</summary>
    private sealed class Memo(ulong[] bits, string? state) : IEquatable<Memo>
    {
        private readonly ulong[] _bits = bits;
        private readonly string? _state = state;

        public bool Equals(Memo? other) => other is not null && string.Equals(_state, other._state, StringComparison.Ordinal)
            && _bits.AsSpan().SequenceEqual(other._bits);

        public override bool Equals(object? obj) => Equals(obj as Memo);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            foreach (var word in _bits) hash.Add(word);
            hash.Add(_state, StringComparer.Ordinal);
            return hash.ToHashCode();
        }
    }

    /// <summary>Wing &amp; Gong over a doubly linked list of call/return events (Porcupine's layout).</summary>
    private sealed class Search
    {
        private readonly ChaosOp[] _ops;
        private readonly Event _head = new() { Op = -1 };
        private readonly ulong[] _linearized;
        private readonly Stack<(Event Call, string? State)> _stack = new();
        private readonly HashSet<Memo> _memo = [];
        private string? _state;
        private int[] _longest = [];
        private int _blocked = -1;

        public Search(ChaosOp[] ops)
        {
            _ops = ops;
            _linearized = new ulong[(ops.Length + 63) / 64];
            var events = new List<(long Time, int Order, Event Event)>(ops.Length * 2);
            for (var i = 0; i < ops.Length; i++)
            {
                var call = new Event { Op = i, IsCall = true };
                var ret = new Event { Op = i, Match = call };
                call.Match = ret;
                events.Add((ops[i].Call, 0, call));
                events.Add((ops[i].Outcome == OpOutcome.Indeterminate ? long.MaxValue : ops[i].Return, 1, ret));
            }

            // Calls before returns at equal times: closed intervals.
            events.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.Order != b.Order ? a.Order.CompareTo(b.Order) : a.Event.Op.CompareTo(b.Event.Op));
            var previous = _head;
            foreach (var (_, _, e) in events)
            {
                previous.Next = e;
                e.Prev = previous;
                previous = e;
            }
        }

        public Outcome Run(Func<bool> outOfBudget)
        {
            var entry = _head.Next;
            long steps = 0;
            while (_head.Next is not null)
            {
                if ((++steps & 1023) == 0 && outOfBudget()) return Outcome.TimedOut;
                if (entry!.IsCall)
                {
                    if (RegisterModel.Step(_state, _ops[entry.Op], out var next))
                    {
                        var bits = (ulong[])_linearized.Clone();
                        bits[entry.Op >> 6] |= 1UL << (entry.Op & 63);
                        if (_memo.Add(new Memo(bits, next)))
                        {
                            _stack.Push((entry, _state));
                            _state = next;
                            _linearized[entry.Op >> 6] |= 1UL << (entry.Op & 63);
                            Lift(entry);
                            if (_stack.Count > _longest.Length) _longest = [.. _stack.Reverse().Select(f => f.Call.Op)];
                            entry = _head.Next;
                            continue;
                        }
                    }

                    entry = entry.Next;
                }
                else
                {
                    if (_stack.Count == 0)
                    {
                        _blocked = entry.Op;
                        return Outcome.NotLinearizable;
                    }

                    var (call, previous) = _stack.Pop();
                    _state = previous;
                    _linearized[call.Op >> 6] &= ~(1UL << (call.Op & 63));
                    Unlift(call);
                    entry = call.Next;
                }
            }

            return Outcome.Linearizable;
        }

        public string Explain(bool timedOut)
        {
            var text = new StringBuilder(timedOut ? "search exceeded its time budget; " : "no linearization exists; ");
            text.Append($"longest linearized prefix: {_longest.Length} of {_ops.Length} operations");
            foreach (var op in _longest.Skip(Math.Max(0, _longest.Length - 6))) text.Append($"\n    ... {_ops[op]}");
            if (_blocked >= 0) text.Append($"\n  cannot be placed: {_ops[_blocked]}");
            var placed = _longest.ToHashSet();
            var open = Enumerable.Range(0, _ops.Length).Where(i => !placed.Contains(i)).OrderBy(i => _ops[i].Call).Take(8);
            foreach (var op in open) text.Append($"\n  not linearized: {_ops[op]}");
            return text.ToString();
        }

        private static void Lift(Event call)
        {
            call.Prev!.Next = call.Next;
            call.Next!.Prev = call.Prev;
            var ret = call.Match!;
            ret.Prev!.Next = ret.Next;
            if (ret.Next is not null) ret.Next.Prev = ret.Prev;
        }

        private static void Unlift(Event call)
        {
            var ret = call.Match!;
            ret.Prev!.Next = ret;
            if (ret.Next is not null) ret.Next.Prev = ret;
            call.Prev!.Next = call;
            call.Next!.Prev = call;
        }
    }
}
