// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Tests.Cluster;

/// <summary>
/// Test processes running side by side never give two live clusters one address range: a cluster number is claimed
/// by an exclusive file lock, and a held number is skipped (TestCluster.ClaimClusterNumber).
/// </summary>
public sealed class ClusterNumberClaimTests : IDisposable
{
    // A folder of this test's own, so the real clusters of tests running beside it neither hold nor take its numbers.
    private readonly string _folder = Directory.CreateTempSubdirectory("raftcache-claim-test-").FullName;

    [Fact]
    public void A_held_number_is_skipped_the_last_wraps_to_the_first_and_a_released_one_is_taken_again()
    {
        // Injected: claims held open, as running clusters of this or another process hold theirs (a second open of
        // the same lock file is refused just as another process's would be). Checked: a claim skips every held
        // number, wraps from the last number to 0, and gets a number again once its holder released it.
        var (first, firstClaim) = TestCluster.ClaimClusterNumber(248, _folder);
        var (second, secondClaim) = TestCluster.ClaimClusterNumber(248, _folder);
        using var held = secondClaim;
        var (third, thirdClaim) = TestCluster.ClaimClusterNumber(248, _folder);
        using (thirdClaim)
        {
            Assert.Equal((248, 249, 0), (first, second, third));
        }

        firstClaim.Dispose();
        var (again, againClaim) = TestCluster.ClaimClusterNumber(248, _folder);
        using (againClaim)
        {
            Assert.Equal(248, again);
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
