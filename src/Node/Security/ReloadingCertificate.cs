// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RaftCache.Node.Configuration;

namespace RaftCache.Node.Security;

/// <summary>
/// The node's TLS certificate, re-read from its files when they change, so a renewed certificate is presented on the
/// next handshake without a restart (connections already open keep the one they started with). The files are looked
/// at most once per <see cref="CheckInterval"/>, on the handshake path, by their modification times. A file caught
/// half-written, or a certificate that does not load, leaves the previous one in service and is tried again on its
/// next change; the failure is logged. Thread-safe.
/// </summary>
public sealed partial class ReloadingCertificate
{
    /// <summary>How often the files' modification times are looked at, at most.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private readonly SecurityOptions _security;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private X509Certificate2 _current;
    private (DateTime Certificate, DateTime Key) _stamps;
    private DateTimeOffset _nextCheck;

    /// <exception cref="CryptographicException">The certificate files do not load at start (the node refuses to start).</exception>
    public ReloadingCertificate(SecurityOptions security, TimeProvider time)
    {
        _security = security;
        _time = time;
        _stamps = Stamps();
        _current = TlsSetup.LoadServerCertificate(security);
        _nextCheck = time.GetUtcNow() + CheckInterval;
    }

    /// <summary>Where reloads and failed reloads are logged (set once the host's logging exists).</summary>
    public ILogger Logger { get; set; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>The certificate to present now (reloaded first if its files changed).</summary>
    public X509Certificate2 Current
    {
        get
        {
            lock (_lock)
            {
                MaybeReload();
                return _current;
            }
        }
    }

    private void MaybeReload()
    {
        var now = _time.GetUtcNow();
        if (now < _nextCheck) return;
        _nextCheck = now + CheckInterval;
        var stamps = Stamps();
        if (stamps == _stamps) return;
        _stamps = stamps;
        try
        {
            _current = TlsSetup.LoadServerCertificate(_security);
            LogReloaded(Logger, _security.TlsCertificate!, _current.Subject, _current.NotAfter);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            LogReloadFailed(Logger, _security.TlsCertificate!, e.Message);
        }
    }

    private (DateTime, DateTime) Stamps() => (
        File.GetLastWriteTimeUtc(_security.TlsCertificate!),
        _security.TlsKey is { } key ? File.GetLastWriteTimeUtc(key) : default);

    [LoggerMessage(EventId = 75410, Level = LogLevel.Information, Message = "TLS certificate {Path} reloaded: {Subject}, valid until {NotAfter:u}")]
    private static partial void LogReloaded(ILogger logger, string path, string subject, DateTime notAfter);

    [LoggerMessage(EventId = 75411, Level = LogLevel.Warning, Message = "TLS certificate {Path} changed but does not load ({Error}); the previous one stays in service")]
    private static partial void LogReloadFailed(ILogger logger, string path, string error);
}
