// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using Microsoft.Playwright;
using RaftCache.Node.Tests.Cluster;

namespace RaftCache.Node.Tests.Observability;

/// <summary>
/// The web dashboard in a real browser (Debian's Chromium driven by Playwright) against a cluster of real node
/// processes: sign in, see the members and a leader for every shard; kill a node and see it marked down and its
/// leaderships move; add a fourth node from the page and see its moves run to the end. Each state is kept as a
/// screenshot under the artifacts folder (test-results/dashboard). ./test.sh installs Chromium when missing.
/// </summary>
public sealed class DashboardBrowserTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Dashboard_shows_failover_and_a_new_member_moving_in()
    {
        var chromium = Artifacts.FindExecutable("/usr/bin/chromium", "/usr/bin/chromium-browser")
            ?? throw new InvalidOperationException("Chromium is not installed (Debian: apt-get install chromium); ./test.sh installs it");
        var screenshots = Artifacts.Folder("dashboard");
        await using var cluster = await TestCluster.StartAsync(3, "--down-after-seconds", "3");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        var node1 = cluster.Node(1);

        // Sign in with the admin key; the page shows 3 active members and a leader for every shard.
        await page.GotoAsync(new Uri(node1.Url, "/dashboard").ToString());
        await page.FillAsync("#api-key", TestCluster.AdminKey);
        await page.ClickAsync("#login-form button");
        await UntilAsync(page, "document.querySelectorAll('#members tbody tr[data-state=active]').length === 3");
        await UntilAsync(page, "(() => { const rows = [...document.querySelectorAll('#shards tbody tr')]; return rows.length === 4 && rows.every(r => r.dataset.leader !== '0'); })()");
        await UntilAsync(page, "document.querySelector('#live').textContent === 'live'");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "1-signed-in.png"), FullPage = true });

        // Kill node 3: the page marks it down and every shard gets a leader other than 3.
        cluster.Node(3).Kill();
        await UntilAsync(page, "document.querySelector('#members tbody tr[data-member=\"3\"]')?.dataset.state === 'down'");
        await UntilAsync(page, "(() => { const rows = [...document.querySelectorAll('#shards tbody tr')]; return rows.length === 4 && rows.every(r => r.dataset.leader !== '0' && r.dataset.leader !== '3'); })()");
        await UntilAsync(page, "[...document.querySelectorAll('#events li')].some(li => li.textContent.includes('down'))");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "2-node-3-down.png"), FullPage = true });

        // Add a fourth node from the page (with confirmation): replicas of the down node move onto it, to the end.
        var joiner = cluster.StartJoiner();
        await cluster.WaitAsync(async () => await IsServingAsync(cluster, joiner), Wait, () => joiner.Log);
        await page.FillAsync("#add-address", joiner.Url.ToString().TrimEnd('/'));
        await page.ClickAsync("#add-form button");
        await page.ClickAsync("#confirm-ok");
        await UntilAsync(page, "document.querySelector('#members tbody tr[data-member=\"4\"]') !== null");
        await UntilAsync(page, "document.querySelectorAll('#moves .move').length > 0", TimeSpan.FromSeconds(90));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "3-moving.png"), FullPage = true });
        await UntilAsync(page,
            "document.querySelectorAll('#moves .move[data-done=true]').length > 0 && document.querySelectorAll('#moves .move[data-done=false]').length === 0 " +
            "&& document.querySelector('#members tbody tr[data-member=\"4\"]')?.dataset.state === 'active' " +
            "&& [...document.querySelectorAll('#shards tbody tr')].every(r => r.textContent.includes('4 '))",
            TimeSpan.FromSeconds(120));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "4-moved.png"), FullPage = true });
        var progress = await page.EvalOnSelectorAllAsync<string[]>("#moves .move[data-done=true] span:last-child", "spans => spans.map(s => s.textContent)");
        Assert.All(progress, p => Assert.Equal("done", p));
    }

    private static async Task<bool> IsServingAsync(TestCluster cluster, NodeProcess node)
    {
        try
        {
            using var response = await cluster.Http.GetAsync(new Uri(node.Url, "/health"));
            return (int)response.StatusCode < 500;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>Polls a condition in the page (bounded); on timeout fails with the page's text.</summary>
    private static async Task UntilAsync(IPage page, string condition, TimeSpan? timeout = null)
    {
        try
        {
            await page.WaitForFunctionAsync(condition, null, new PageWaitForFunctionOptions { Timeout = (float)(timeout ?? Wait).TotalMilliseconds, PollingInterval = 100 });
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the dashboard never showed: {condition}\n{await page.InnerTextAsync("body")}");
        }
    }
}
