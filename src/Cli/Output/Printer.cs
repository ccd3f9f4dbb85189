// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace RaftCache.Cli.Output;

/// <summary>
/// Results go to stdout, as JSON (one document, for scripts) or as tables (for people); progress and notes go to
/// stderr, so piping the JSON output never mixes in a progress bar.
/// </summary>
public sealed class Printer(bool json)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public bool Json => json;

    /// <summary>stderr, for progress bars and notes.</summary>
    public IAnsiConsole Status { get; } = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    public void WriteJson(JsonNode? node) => Console.Out.WriteLine(node?.ToJsonString(Indented) ?? "null");

    public void WriteJson(JsonElement element) => Console.Out.WriteLine(JsonSerializer.Serialize(element, Indented));

    public void Write(IRenderable renderable) => AnsiConsole.Write(renderable);

    public void Line(string text) => AnsiConsole.MarkupLineInterpolated($"{text}");

    public void Note(string text) => Status.MarkupLineInterpolated($"[grey]{text}[/]");

    public static Table Table(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns) table.AddColumn(new TableColumn(Markup.Escape(column)));
        return table;
    }
}

public static class TableExtensions
{
    /// <summary>A row of plain text cells (escaped: values like "[0,4095]" are not markup).</summary>
    public static Table AddCells(this Table table, params string?[] cells) =>
        table.AddRow(cells.Select(c => (IRenderable)new Text(c ?? "")).ToArray());
}

