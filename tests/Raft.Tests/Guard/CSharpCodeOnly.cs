// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;

namespace RaftCache.Raft.Tests.Guard;

/// <summary>
/// Blanks out comments and the text of string and character literals in C# source, keeping line
/// breaks (so line numbers survive) and the code inside interpolation holes (so <c>$"{DateTime.UtcNow}"</c>
/// is still seen). A small hand-written lexer: enough for a guard, not a compiler.
/// </summary>
public static class CSharpCodeOnly
{
    public static string Strip(string source)
    {
        var output = new StringBuilder(source.Length);
        var i = 0;
        StripCode(source, ref i, output, stopAtCloseBrace: false);
        return output.ToString();
    }

    // Copies code until the end (or, inside an interpolation hole, until its closing brace).
    private static void StripCode(string s, ref int i, StringBuilder output, bool stopAtCloseBrace)
    {
        var depth = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '/' && Peek(s, i + 1) == '/')
            {
                while (i < s.Length && s[i] != '\n') { output.Append(' '); i++; }
            }
            else if (c == '/' && Peek(s, i + 1) == '*')
            {
                output.Append("  ");
                i += 2;
                while (i < s.Length && !(s[i] == '*' && Peek(s, i + 1) == '/')) Blank(s[i++], output);
                if (i < s.Length) { output.Append("  "); i += 2; }
            }
            else if (c == '\'')
            {
                output.Append(' ');
                i++;
                while (i < s.Length && s[i] != '\'' && s[i] != '\n')
                {
                    if (s[i] == '\\') { output.Append(' '); i++; }
                    if (i < s.Length) { Blank(s[i], output); i++; }
                }
                if (i < s.Length && s[i] == '\'') { output.Append(' '); i++; }
            }
            else if (IsStringStart(s, i))
            {
                StripString(s, ref i, output);
            }
            else if (stopAtCloseBrace && c == '{') { depth++; output.Append(c); i++; }
            else if (stopAtCloseBrace && c == '}')
            {
                if (depth == 0) return;
                depth--;
                output.Append(c);
                i++;
            }
            else { output.Append(c); i++; }
        }
    }

    private static bool IsStringStart(string s, int i)
    {
        var j = i;
        while (j < s.Length && (s[j] == '$' || s[j] == '@') && j - i < 3) j++;
        return j < s.Length && s[j] == '"';
    }

    private static void StripString(string s, ref int i, StringBuilder output)
    {
        var interpolated = false;
        var verbatim = false;
        while (s[i] != '"')
        {
            interpolated |= s[i] == '$';
            verbatim |= s[i] == '@';
            output.Append(' ');
            i++;
        }
        var quotes = 0;
        while (i + quotes < s.Length && s[i + quotes] == '"') quotes++;
        if (quotes >= 3)
        {
            // Raw string literal: ends at the same number of quotes.
            var close = new string('"', quotes);
            output.Append(' ', quotes);
            i += quotes;
            while (i < s.Length && string.CompareOrdinal(s, i, close, 0, quotes) != 0) Blank(s[i++], output);
            if (i < s.Length) { output.Append(' ', quotes); i += quotes; }
            return;
        }
        if (quotes == 2)
        {
            output.Append("  "); // empty string ""
            i += 2;
            return;
        }
        output.Append(' ');
        i++;
        while (i < s.Length)
        {
            var c = s[i];
            if (!verbatim && c == '\\') { output.Append("  "); i += 2; continue; }
            if (c == '"')
            {
                if (verbatim && Peek(s, i + 1) == '"') { output.Append("  "); i += 2; continue; }
                output.Append(' ');
                i++;
                return;
            }
            if (interpolated && c == '{')
            {
                if (Peek(s, i + 1) == '{') { output.Append("  "); i += 2; continue; }
                output.Append(' ');
                i++;
                StripCode(s, ref i, output, stopAtCloseBrace: true);
                if (i < s.Length) { output.Append(' '); i++; }
                continue;
            }
            if (!verbatim && c == '\n') return; // unterminated: stop at the line end
            Blank(c, output);
            i++;
        }
    }

    private static char Peek(string s, int i) => i < s.Length ? s[i] : '\0';

    private static void Blank(char c, StringBuilder output) => output.Append(c == '\n' ? '\n' : ' ');
}
