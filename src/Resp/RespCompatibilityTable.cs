// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;

namespace RaftCache.Resp;

/// <summary>
/// Renders the command table as the Markdown table of docs/resp.md. The docs hold exactly this text between
/// their markers; a test fails when they differ, so the docs cannot drift from the code.
/// </summary>
public static class RespCompatibilityTable
{
    public const string BeginMarker = "<!-- command table: generated from RespCommandTable, do not edit -->";
    public const string EndMarker = "<!-- end of command table -->";

    public static string Render()
    {
        var text = new StringBuilder();
        text.Append("| command | arity | needs | keys | consistency | notes |\n");
        text.Append("|---|---|---|---|---|---|\n");
        foreach (var spec in RespCommandTable.All.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            var needs = (spec.Flags & RespCommandFlags.NoAuth) != 0 ? "nothing"
                : (spec.Flags & RespCommandFlags.Admin) != 0 ? "admin"
                : (spec.Flags & RespCommandFlags.Write) != 0 ? "writer"
                : "reader";
            var keys = spec.FirstKey == 0 ? "-" : spec.LastKey == spec.FirstKey ? spec.FirstKey.ToString() : $"{spec.FirstKey}..{(spec.LastKey < 0 ? "last" : spec.LastKey.ToString())} step {spec.Step}";
            text.Append($"| `{spec.Name}` | {spec.Arity} | {needs} | {keys} | {spec.Consistency} | {spec.Notes} |\n");
        }

        return text.ToString();
    }
}
