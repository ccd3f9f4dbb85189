// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using Spectre.Console;

namespace RaftCache.Cli.Output;

/// <summary>One task's progress: a bar on an interactive terminal, otherwise a line on stderr at most once a second and at the end.</summary>
public sealed class ProgressReporter
{
    private static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(1);
    private readonly ProgressTask? _bar;
    private readonly IAnsiConsole _console;
    private DateTime _lastLine = DateTime.MinValue;
    private string _description;
    private double _value;
    private double _max;

    private ProgressReporter(IAnsiConsole console, ProgressTask? bar, string description, double max)
    {
        _console = console;
        _bar = bar;
        _description = description;
        _max = max;
    }

    public double Value => _value;

    public double MaxValue => _max;

    /// <summary>Runs <paramref name="work"/> with a progress display on <paramref name="console"/> (stderr).</summary>
    public static async Task RunAsync(IAnsiConsole console, string description, double max, Func<ProgressReporter, Task> work)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            var lines = new ProgressReporter(console, null, description, max);
            await work(lines);
            lines.Line(force: true);
            return;
        }
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context => await work(new ProgressReporter(console, context.AddTask(description, maxValue: Math.Max(1, max)), description, max)));
    }

    public void Update(double value, double? max = null, string? description = null)
    {
        lock (_console)
        {
            _value = value;
            _max = max ?? _max;
            _description = description ?? _description;
            if (_bar is not null)
            {
                _bar.MaxValue = Math.Max(1, _max);
                _bar.Value = _value;
                _bar.Description = _description;
            }
            else
            {
                Line(force: false);
            }
        }
    }

    public void Increment(double by) => Update(_value + by);

    private void Line(bool force)
    {
        if (!force && DateTime.UtcNow - _lastLine < LineInterval) return;
        _lastLine = DateTime.UtcNow;
        var percent = _max <= 0 ? 100 : Math.Min(100, _value * 100 / _max);
        _console.WriteLine($"{_description}: {percent:0}%");
    }
}
