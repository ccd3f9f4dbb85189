// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Interaction.Handlers;

internal sealed class DropMsgsHandler : IVerbHandler
{
    public string Verb => "drop-msgs";

    public string Usage => "drop-msgs [from=<id>] [to=<id>] [type=<MessageType>]: discards matching queued messages (a lossy network)";

    public void Run(InteractionEnv env, CommandArgs args)
    {
        var from = args.Get("from") is { } f ? ulong.Parse(f) : (ulong?)null;
        var to = args.Get("to") is { } t ? ulong.Parse(t) : (ulong?)null;
        var type = args.Get("type") is { } ty ? Enum.Parse<MessageType>(ty) : (MessageType?)null;
        var dropped = env.Messages.Where(m => (from is null || m.From == from) && (to is null || m.To == to) && (type is null || m.Type == type)).ToList();
        env.Messages.RemoveAll(dropped.Contains);
        foreach (var m in dropped) env.Output.AppendLine($"dropped: {ReadyFormatter.Describe(m)}");
    }
}
