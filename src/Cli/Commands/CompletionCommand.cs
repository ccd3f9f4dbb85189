// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.CommandLine;

namespace RaftCache.Cli.Commands;

/// <summary>
/// raftcache completion bash|zsh: prints a script that asks raftcache itself for completions through
/// System.CommandLine's [suggest] directive, so completions always match the installed version.
/// </summary>
public static class CompletionCommand
{
    public static Command Create()
    {
        var shell = new Argument<string>("shell") { Description = "bash or zsh" };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var completion = new Command("completion", "Print a shell completion script: eval \"$(raftcache completion bash)\".") { shell };
        completion.SetAction(parse =>
        {
            Console.Out.Write(parse.GetValue(shell) == "zsh" ? Zsh : Bash);
            return ExitCodes.Ok;
        });
        return completion;
    }

    private const string Bash = """
        _raftcache_complete() {
            local IFS=$'\n'
            COMPREPLY=( $(raftcache "[suggest:${#COMP_LINE}]" "$COMP_LINE" 2>/dev/null) )
        }
        complete -o default -F _raftcache_complete raftcache

        """;

    private const string Zsh = """
        _raftcache_complete() {
            local -a candidates
            candidates=("${(@f)$(raftcache "[suggest:${#BUFFER}]" "$BUFFER" 2>/dev/null)}")
            compadd -- $candidates
        }
        compdef _raftcache_complete raftcache

        """;
}
