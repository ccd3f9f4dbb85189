// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.CommandLine;
using RaftCache.Cli;
using RaftCache.Cli.Commands;

var root = new RootCommand("raftcache: operate a RaftCache cluster through its REST API (status, members, shards, keys, check, watch, backup, restore).");
foreach (var option in GlobalOptions.All) root.Options.Add(option);
root.Subcommands.Add(StatusCommand.Create());
root.Subcommands.Add(MembersCommands.Create());
root.Subcommands.Add(ShardsCommands.Create());
foreach (var command in KeyCommands.Create()) root.Subcommands.Add(command);
root.Subcommands.Add(CheckCommand.Create());
root.Subcommands.Add(WatchCommand.Create());
root.Subcommands.Add(BackupCommand.Create());
root.Subcommands.Add(RestoreCommand.Create());
root.Subcommands.Add(VerifyCommand.Create());
root.Subcommands.Add(CompletionCommand.Create());

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
{
    // One line per problem and the usage exit code; System.CommandLine's default would print help too and exit 1.
    foreach (var error in parsed.Errors) Console.Error.WriteLine("raftcache: " + error.Message);
    Console.Error.WriteLine("raftcache: see 'raftcache --help' or '<command> --help'.");
    return ExitCodes.Usage;
}
return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
