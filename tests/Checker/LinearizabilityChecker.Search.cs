// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;

namespace RaftCache.Checker;

public static partial class LinearizabilityChecker
{
    /// <summary>One call or return event in the doubly linked list the search lifts entries out of.</summary>
    private sealed class Event
    {
        public int Op;
        public bool IsCall;
        public Event? Match;
        public Event? Prev;
        public Event? Next;
    }

    /// <summary>The search state of one key: list of events, linearized set, backtracking stack and memo.</summary>
    private sealed class Search<TOp, TState>
    {
        private readonly IReadOnlyList<TOp> _ops;
        private readonly ISequentialSpec<TOp, TState> _spec;
        private readonly Event _head = new() { Op = -1 };
        private readonly Bitset _linearized;
        private readonly Stack<(Event Call, TState State)> _stack = new();
        private readonly HashSet<(Bitset Linearized, TState State)> _memo = [];
        private TState _state;
        private List<int> _longest = [];
        private TState _longestState;
        private int _blockedOp = -1;

        public Search(IReadOnlyList<TOp> ops, ISequentialSpec<TOp, TState> spec)
        {
            _ops = ops;
            _spec = spec;
            _state = _longestState = spec.Initial;
            _linearized = new Bitset(ops.Count);
            BuildList();
        }

        public Verdict Run(Func<bool> outOfBudget)
        {
            var entry = _head.Next;
            long steps = 0;
            while (_head.Next is not null)
            {
                // Reading the clock costs more than a step; look at it every 1,024 steps.
                if ((++steps & 1023) == 0 && outOfBudget()) return Verdict.TimedOut;
                if (entry!.IsCall)
                {
                    if (_spec.Step(_state, _ops[entry.Op], out var next))
                    {
                        // Lowe's memo: the same set of linearized operations leading to the same state was tried already.
                        var candidate = _linearized.With(entry.Op);
                        if (_memo.Add((candidate, next)))
                        {
                            _stack.Push((entry, _state));
                            _state = next;
                            _linearized.Set(entry.Op);
                            Lift(entry);
                            RememberIfLongest();
                            entry = _head.Next;
                            continue;
                        }
                    }

                    entry = entry.Next;
                }
                else
                {
                    // A return: its operation must have been linearized before this point, so backtrack.
                    if (_stack.Count == 0)
                    {
                        _blockedOp = entry.Op;
                        return Verdict.NotLinearizable;
                    }

                    var (call, previous) = _stack.Pop();
                    _state = previous;
                    _linearized.Clear(call.Op);
                    Unlift(call);
                    entry = call.Next;
                }
            }

            return Verdict.Linearizable;
        }

        public string Explain(bool timedOut)
        {
            var text = new StringBuilder();
            text.Append(timedOut ? "search exceeded its time budget; " : "no linearization exists; ");
            text.Append($"longest prefix linearized {_longest.Count} of {_ops.Count} operations, ending in state {_longestState?.ToString() ?? "absent"}");
            foreach (var op in _longest.Skip(Math.Max(0, _longest.Count - 4))) text.Append($"\n    ... {_ops[op]}");
            if (_blockedOp >= 0) text.Append($"\n  cannot be placed: {_ops[_blockedOp]}");
            var open = Enumerable.Range(0, _ops.Count).Where(i => !_longest.Contains(i)).Take(6);
            foreach (var op in open) text.Append($"\n  not linearized: {_ops[op]}");
            return text.ToString();
        }

        private void RememberIfLongest()
        {
            if (_stack.Count <= _longest.Count) return;
            _longest = [.. _stack.Reverse().Select(frame => frame.Call.Op)];
            _longestState = _state;
        }

        private void BuildList()
        {
            var events = new List<(long Time, int Order, Event Event)>(_ops.Count * 2);
            for (var i = 0; i < _ops.Count; i++)
            {
                var call = new Event { Op = i, IsCall = true };
                var ret = new Event { Op = i, IsCall = false, Match = call };
                call.Match = ret;
                var end = _spec.ReturnTime(_ops[i]) ?? long.MaxValue;

                // Calls sort before returns at equal times: closed intervals, so touching operations overlap.
                events.Add((_spec.CallTime(_ops[i]), 0, call));
                events.Add((end, 1, ret));
            }

            events.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time)
                : a.Order != b.Order ? a.Order.CompareTo(b.Order) : a.Event.Op.CompareTo(b.Event.Op));
            var previous = _head;
            foreach (var (_, _, e) in events)
            {
                previous.Next = e;
                e.Prev = previous;
                previous = e;
            }
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
