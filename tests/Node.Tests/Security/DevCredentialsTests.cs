// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Configuration;
using RaftCache.Node.Dev;

namespace RaftCache.Node.Tests.Security;

/// <summary>The dev cluster's generated credentials: private to their owner, kept across runs, valid node configuration.</summary>
public sealed class DevCredentialsTests
{
    [Fact]
    public void Credentials_are_made_once_readable_by_the_owner_only_and_reused()
    {
        var folder = Directory.CreateTempSubdirectory("raftcache-devcred-").FullName;
        try
        {
            var first = DevCredentials.LoadOrCreate(folder);
            var again = DevCredentials.LoadOrCreate(folder);

            Assert.Equal(first, again);
            Assert.True(first.AdminKey.Length >= SecurityOptions.MinKeyLength);
            Assert.True(first.SigningKey.Length >= SecurityOptions.MinSigningKeyLength);
            Assert.True(first.ClusterSecret.Length >= 32);
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(first.Path));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_environment_given_to_the_nodes_is_an_admin_key_the_signing_key_and_the_cluster_secret()
    {
        var credentials = new DevCredentials("rc-0123456789abcdefghij", new string('s', 43), new string('c', 43), "/unused");
        var environment = new Dictionary<string, string?>();

        credentials.ApplyTo(environment);

        Assert.Equal("admin", environment["RaftCache__ApiKeys__0__Role"]);
        Assert.Equal(credentials.AdminKey, environment["RaftCache__ApiKeys__0__Key"]);
        Assert.Equal(credentials.SigningKey, environment["RaftCache__TokenSigningKey"]);
        Assert.Equal(credentials.ClusterSecret, environment["RaftCache__ClusterSecret"]);
        var open = new Dictionary<string, string?>();
        credentials.ApplyTo(open, noAuth: true);
        Assert.Equal(["RaftCache__ClusterSecret"], open.Keys);
    }

    [Fact]
    public void An_older_credentials_file_keeps_its_keys_and_gains_a_cluster_secret_kept_from_then_on()
    {
        var folder = Directory.CreateTempSubdirectory("raftcache-devcred-").FullName;
        try
        {
            File.WriteAllLines(Path.Combine(folder, DevCredentials.FileName), ["rc-0123456789abcdefghij", new string('s', 43)]);

            var upgraded = DevCredentials.LoadOrCreate(folder);
            var again = DevCredentials.LoadOrCreate(folder);

            Assert.Equal("rc-0123456789abcdefghij", upgraded.AdminKey);
            Assert.Equal(new string('s', 43), upgraded.SigningKey);
            Assert.Equal(upgraded.ClusterSecret, again.ClusterSecret);
            var file = upgraded.WriteEnvironmentFile(noAuth: false);
            var lines = File.ReadAllLines(file);
            Assert.Contains($"RaftCache__ClusterSecret={upgraded.ClusterSecret}", lines);
            Assert.Contains($"RaftCache__ApiKeys__0__Key={upgraded.AdminKey}", lines);
            Assert.All(lines, l => Assert.DoesNotContain(' ', l)); // survives `env $(cat node.env)` word splitting
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
