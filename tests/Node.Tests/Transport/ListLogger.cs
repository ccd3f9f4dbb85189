// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RaftCache.Node.Tests.Transport;

/// <summary>Keeps every formatted log line, so a test can check that a refusal was logged with its reason.</summary>
internal sealed class ListLogger : ILogger
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue($"{logLevel}: {formatter(state, exception)}");

    /// <summary>Polls (bounded) until a line contains <paramref name="text"/>; log lines trail the events they report.</summary>
    public async Task<bool> WaitForAsync(string text, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            if (_lines.Any(l => l.Contains(text, StringComparison.Ordinal))) return true;
            await Task.Delay(20);
        }
        return false;
    }
}
