// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Chaos;

/// <summary>
/// Network partitions between node addresses: DROP rules by source and destination in one dedicated iptables
/// chain hooked into INPUT on lo. Nodes bind their outgoing peer and forwarding connections to their own
/// 127.0.0.x, so a rule cuts exactly one direction of one node pair. The test clients (source 127.0.0.1) are
/// never cut. Only 127.0.0.0/8 addresses are ever named.
/// </summary>
public static class Partitions
{
    public const string Chain = "RAFTCACHE-CHAOS";

    public static async Task InstallAsync()
    {
        await IptablesAsync(check: false, "-N", Chain);
        if ((await IptablesAsync(check: false, "-C", "INPUT", "-i", "lo", "-j", Chain)).ExitCode != 0)
            await IptablesAsync(check: true, "-I", "INPUT", "1", "-i", "lo", "-j", Chain);
        await HealAsync();
    }

    /// <summary>Drops every packet from <paramref name="from"/> to <paramref name="to"/> (one direction).</summary>
    public static Task DropAsync(string from, string to)
    {
        if (!from.StartsWith("127.", StringComparison.Ordinal) || !to.StartsWith("127.", StringComparison.Ordinal))
            throw new ArgumentException($"partitions only between loopback addresses, not {from} -> {to}");
        return IptablesAsync(check: true, "-A", Chain, "-s", from, "-d", to, "-j", "DROP");
    }

    /// <summary>
    /// Drops each packet from <paramref name="from"/> to <paramref name="to"/> with probability
    /// <paramref name="probability"/> (iptables statistic match): TCP retransmits, so this is loss and delay, not a cut.
    /// </summary>
    public static Task LoseAsync(string from, string to, double probability)
    {
        if (!from.StartsWith("127.", StringComparison.Ordinal) || !to.StartsWith("127.", StringComparison.Ordinal))
            throw new ArgumentException($"packet loss only between loopback addresses, not {from} -> {to}");
        if (probability is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(probability), probability, "must be in (0, 1)");
        return IptablesAsync(check: true, "-A", Chain, "-s", from, "-d", to, "-m", "statistic", "--mode", "random",
            "--probability", probability.ToString("F2", System.Globalization.CultureInfo.InvariantCulture), "-j", "DROP");
    }

    public static Task HealAsync() => IptablesAsync(check: false, "-F", Chain);

    /// <summary>Removes the hook and the chain; safe to call when neither exists.</summary>
    public static async Task RemoveAsync()
    {
        for (var i = 0; i < 10 && (await IptablesAsync(check: false, "-D", "INPUT", "-i", "lo", "-j", Chain)).ExitCode == 0; i++)
        {
            // Each -D removes one hook; a crashed run may have left more than one.
        }

        await IptablesAsync(check: false, "-F", Chain);
        await IptablesAsync(check: false, "-X", Chain);
    }

    public static async Task<string> ListAsync() => (await IptablesAsync(check: false, "-S", Chain)).Output;

    private static Task<Shell.Result> IptablesAsync(bool check, params string[] args) =>
        Shell.RunAsync("iptables", ["-w", "5", .. args], TimeSpan.FromSeconds(20), check);
}
