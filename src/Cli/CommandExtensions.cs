// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.CommandLine;

namespace RaftCache.Cli;

public static class CommandExtensions
{
    /// <summary>Runs the command; an expected failure is one line on stderr and its exit code, never a stack trace.</summary>
    public static Command Runs(this Command command, Func<CliContext, ParseResult, CancellationToken, Task<int>> action)
    {
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                using var context = CliContext.From(parse);
                return await action(context, parse, cancellationToken);
            }
            catch (CliException e)
            {
                await Console.Error.WriteLineAsync("raftcache: " + e.Message);
                return e.ExitCode;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync("raftcache: interrupted.");
                return 130;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync("raftcache: " + e.Message.ReplaceLineEndings(" "));
                return ExitCodes.Failed;
            }
#pragma warning disable CA1031 // the last resort: one line, never a stack trace
            catch (Exception e)
#pragma warning restore CA1031
            {
                await Console.Error.WriteLineAsync($"raftcache: unexpected error ({e.GetType().Name}): {e.Message.ReplaceLineEndings(" ")}");
                return ExitCodes.Failed;
            }
        });
        return command;
    }
}
