// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Interaction.Handlers;

internal sealed class DeliverMsgsHandler : IVerbHandler
{
    public string Verb => "deliver-msgs";

    public string Usage => "deliver-msgs [<id>...] [from=<id>] [type=<MessageType>]: delivers queued messages to the nodes (all when none given); optionally only from one sender or of one kind";

    public void Run(InteractionEnv env, CommandArgs args)
    {
        var targets = args.Positional.Count == 0 ? env.Nodes.Keys.ToList() : args.Ids.ToList();
        var type = args.Get("type") is { } t ? Enum.Parse<MessageType>(t) : (MessageType?)null;
        var from = args.Get("from") is { } f ? ulong.Parse(f) : (ulong?)null;
        bool Selected(Message m) => (type is null || m.Type == type) && (from is null || m.From == from);
        foreach (var id in targets)
        {
            if (!env.Messages.Any(m => m.To == id && Selected(m))) continue;
            env.Output.AppendLine($"> {id} receiving messages");
            env.DeliverMessages(id, Selected);
        }
    }
}
