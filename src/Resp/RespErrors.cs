// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Resp;

/// <summary>Every fixed error reply, with Redis's codes and wording so clients recognise them.</summary>
public static class RespErrors
{
    public static ReadOnlySpan<byte> NoAuth => "NOAUTH Authentication required."u8;

    public static ReadOnlySpan<byte> WrongPass => "WRONGPASS invalid username-password pair or user is disabled."u8;

    public static ReadOnlySpan<byte> CredentialsRevoked => "NOAUTH the API key of this connection was revoked or removed; the connection closes"u8;

    public static ReadOnlySpan<byte> AuthBlocked => "ERR too many failed authentication attempts from this address; try again later"u8;

    public static ReadOnlySpan<byte> AuthNotConfigured => "ERR AUTH called without any password configured. Are you sure your configuration is correct?"u8;

    public static ReadOnlySpan<byte> WrongType => "WRONGTYPE Operation against a key holding the wrong kind of value"u8;

    public static ReadOnlySpan<byte> NotInteger => "ERR value is not an integer or out of range"u8;

    public static ReadOnlySpan<byte> HashNotInteger => "ERR hash value is not an integer"u8;

    public static ReadOnlySpan<byte> NotFloat => "ERR value is not a valid float"u8;

    public static ReadOnlySpan<byte> Overflow => "ERR increment or decrement would overflow"u8;

    public static ReadOnlySpan<byte> FloatOverflow => "ERR increment would produce NaN or Infinity"u8;

    public static ReadOnlySpan<byte> Syntax => "ERR syntax error"u8;

    public static ReadOnlySpan<byte> InvalidExpire => "ERR invalid expire time in 'set' command"u8;

    public static ReadOnlySpan<byte> NoProto => "NOPROTO unsupported protocol version"u8;

    public static ReadOnlySpan<byte> DbIndex => "ERR DB index is out of range"u8;

    public static ReadOnlySpan<byte> ClusterDisabled => "ERR This instance has cluster support disabled"u8;

    public static ReadOnlySpan<byte> CrossSlot => "CROSSSLOT Keys in request don't hash to the same slot"u8;

    public static ReadOnlySpan<byte> CrossShard =>
        "CROSSSLOT Keys in request don't hash to the same shard: a multi-key write is atomic only within one shard (use a hash tag such as {user})"u8;

    public static ReadOnlySpan<byte> ExpireNxWithOthers => "ERR NX and XX, GT or LT options at the same time are not compatible"u8;

    public static ReadOnlySpan<byte> ExpireGtAndLt => "ERR GT and LT options at the same time are not compatible"u8;

    public static ReadOnlySpan<byte> MemoryLimit => "OOM command not allowed when used memory > 'maxmemory'."u8;

    public static ReadOnlySpan<byte> TryAgain => "TRYAGAIN no leader for this key's shard within the request timeout; the write was not applied"u8;

    public static ReadOnlySpan<byte> MaybeApplied => "TRYAGAIN no answer from the shard's leader within the request timeout; the write may or may not have been applied"u8;

    public static ReadOnlySpan<byte> ReadUnavailable => "TRYAGAIN no leader confirmed this read within the request timeout"u8;

    public static ReadOnlySpan<byte> Contention => "TRYAGAIN the key kept changing under a read-modify-write; try again"u8;

    public static ReadOnlySpan<byte> MaxClients => "ERR max number of clients reached"u8;

    public static ReadOnlySpan<byte> BadKey => "ERR invalid key: keys are UTF-8 strings of 1 to 1024 bytes"u8;

    public static string UnknownCommand(string name, IEnumerable<string> args) =>
        $"ERR unknown command '{Clip(name)}', with args beginning with: {string.Join(' ', args.Take(3).Select(a => $"'{Clip(a)}'"))}";

    public static string UnknownSubcommand(string command, string sub) =>
        $"ERR unknown subcommand '{Clip(sub)}'. Try {command.ToUpperInvariant()} HELP.";

    public static string WrongArity(string name) => $"ERR wrong number of arguments for '{name.ToLowerInvariant()}' command";

    public static string NoPerm(string name) => $"NOPERM User has no permissions to run the '{name.ToLowerInvariant()}' command";

    public static string ValueTooLarge(int limit) => $"ERR value is larger than the value limit of {limit} bytes";

    private static string Clip(string text) => text.Length > 128 ? text[..128] : text;
}
