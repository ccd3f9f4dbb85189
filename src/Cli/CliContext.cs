// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.CommandLine;
using RaftCache.Cli.Connection;
using RaftCache.Cli.Output;

namespace RaftCache.Cli;

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
