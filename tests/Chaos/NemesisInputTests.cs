// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Chaos;

/// <summary>
/// The harness refuses faults it must never inject (packet rules off loopback, a loss that is no loss or a cut), and
/// each scenario gets the node set-up its nemesis needs. Runs without Docker: the checks come before iptables.
/// </summary>
public sealed class NemesisInputTests
{
    [Theory]
    [InlineData("10.0.0.1", "127.0.0.11")]
    [InlineData("127.0.0.11", "192.168.1.2")]
    public async Task Packet_loss_is_refused_between_addresses_off_loopback(string from, string to)
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => Partitions.LoseAsync(from, to, 0.3));
        Assert.Contains("loopback", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    public async Task Packet_loss_probability_must_be_strictly_between_0_and_1(double probability) =>
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Partitions.LoseAsync("127.0.0.11", "127.0.0.12", probability));

    [Fact]
    public void Scenarios_with_clock_or_disk_faults_start_their_nodes_with_fake_clocks_or_small_disks()
    {
        Assert.Equal(ClusterFeatures.SmallDisks | ClusterFeatures.FakeClock, Nemesis.FeaturesOf(Scenario.M));
        Assert.Equal(ClusterFeatures.FakeClock, Nemesis.FeaturesOf(Scenario.C));
        Assert.Equal(ClusterFeatures.SmallDisks, Nemesis.FeaturesOf(Scenario.D));
        Assert.Equal(ClusterFeatures.SmallDisks, Nemesis.FeaturesOf(Scenario.S));
        Assert.All([Scenario.K1, Scenario.K2, Scenario.K3, Scenario.P, Scenario.N, Scenario.L, Scenario.R],
            s => Assert.Equal(ClusterFeatures.None, Nemesis.FeaturesOf(s)));
    }
}
