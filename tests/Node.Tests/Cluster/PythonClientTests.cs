// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;

namespace RaftCache.Node.Tests.Cluster;

/// <summary>
/// A plain Python client written for a get/put JSON cache works unchanged (API.md's compatibility promise) once it
/// sends credentials: it logs in with an API key and sends the token on a requests session.
/// </summary>
public sealed class PythonClientTests(SharedCluster shared) : IClassFixture<SharedCluster>
{
    private const string Client = """
        import sys, requests
        base, key, api_key = sys.argv[1], sys.argv[2], sys.argv[3]
        unauthenticated = requests.get(f"{base}/keys/{key}")
        assert unauthenticated.status_code == 401, (unauthenticated.status_code, unauthenticated.text)
        # The one change a client needs: a token from POST /login, sent as a bearer token on a session.
        login = requests.post(f"{base}/login", json={"key": api_key})
        assert login.status_code == 200, (login.status_code, login.text)
        client = requests.Session()
        client.headers["Authorization"] = "Bearer " + login.json()["access_token"]
        r = client.put(f"{base}/keys/{key}", json={"data": {"cart": [1, 2, 3]}, "expiration_date": "2099-01-01T00:00:00"})
        assert r.status_code == 200, (r.status_code, r.text)
        got = client.get(f"{base}/keys/{key}").json()
        assert got["data"] == {"cart": [1, 2, 3]}, got
        assert got["expiration_date"].startswith("2099-01-01T00:00:00"), got
        missing = client.get(f"{base}/keys/{key}-absent")
        assert missing.status_code == 404 and missing.json() is None, (missing.status_code, missing.text)
        print("ok")
        """;

    [Fact]
    public async Task A_python_requests_client_puts_and_gets_unchanged()
    {
        var python = FindPythonWithRequests()
            ?? throw new InvalidOperationException("no python3 with the requests module; ./test.sh installs Debian's python3-requests");
        var script = Path.GetTempFileName();
        await File.WriteAllTextAsync(script, Client);
        try
        {
            var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(script);
            start.ArgumentList.Add(shared.Cluster.Node(2).Url.ToString().TrimEnd('/'));
            start.ArgumentList.Add($"py-{Guid.NewGuid():N}");
            start.ArgumentList.Add(TestCluster.AdminKey);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

            Assert.True(process.ExitCode == 0, await errors);
            Assert.Equal("ok", (await output).Trim());
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static string? FindPythonWithRequests()
    {
        foreach (var candidate in new[] { "python3", "/usr/bin/python3" })
        {
            try
            {
                using var probe = Process.Start(new ProcessStartInfo(candidate, ["-c", "import requests"]) { RedirectStandardError = true });
                if (probe is null) continue;
                probe.WaitForExit(30_000);
                if (probe.ExitCode == 0) return candidate;
            }
            catch (System.ComponentModel.Win32Exception)
            {
            }
        }
        return null;
    }
}
