// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.CommandLine;
using RaftCache.Cli.Connection;
using RaftCache.Cli.Output;

namespace RaftCache.Cli;

/// <summary>Options every command takes: where the cluster is, the key, the output format.</summary>
public static class GlobalOptions
{
    public static readonly Option<string[]> Endpoints = new("--endpoints", "-e")
    {
        Description = "REST URLs of any members, comma-separated; the next is tried when one is down [env: RAFTCACHE_ENDPOINTS; default http://127.0.0.1:5001]",
        Recursive = true,
        AllowMultipleArgumentsPerToken = true,
    };

    public static readonly Option<string> ApiKey = new("--api-key", "-k") { Description = "API key [env: RAFTCACHE_KEY]", Recursive = true };

    public static readonly Option<string> Output = new("--output", "-o")
    {
        Description = "table (for people) or json (for scripts)",
        Recursive = true,
        DefaultValueFactory = _ => "table",
    };

    public static readonly Option<string> Config = new("--config")
    {
        Description = "config file {\"endpoints\": [...], \"api_key\": \"...\"} [env: RAFTCACHE_CONFIG; default ~/.config/raftcache/config.json]",
        Recursive = true,
    };

    public static readonly Option<double> Timeout = new("--timeout")
    {
        Description = "seconds to wait for one HTTP answer before trying the next endpoint",
        Recursive = true,
        DefaultValueFactory = _ => 30,
    };

    public static IEnumerable<Option> All => [Endpoints, ApiKey, Output, Config, Timeout];

    static GlobalOptions() => Output.AcceptOnlyFromAmong("table", "json");
}

/// <summary>What one command invocation works with: the REST client and the printer.</summary>
public sealed class CliContext : IDisposable
{
    private CliContext(RestClient client, Printer printer)
    {
        Client = client;
        Printer = printer;
    }

    public RestClient Client { get; }

    public Printer Printer { get; }

    public bool Json => Printer.Json;

    public static CliContext From(ParseResult parse)
    {
        var settings = Settings.Resolve(parse.GetValue(GlobalOptions.Endpoints), parse.GetValue(GlobalOptions.ApiKey), parse.GetValue(GlobalOptions.Config), parse.GetValue(GlobalOptions.Timeout));
        return new CliContext(new RestClient(settings), new Printer(parse.GetValue(GlobalOptions.Output) == "json"));
    }

    public void Dispose() => Client.Dispose();
}

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
