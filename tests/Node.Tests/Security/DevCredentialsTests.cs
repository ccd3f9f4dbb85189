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
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(first.Path));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_environment_given_to_the_nodes_is_an_admin_key_and_the_signing_key()
    {
        var credentials = new DevCredentials("rc-0123456789abcdefghij", new string('s', 43), "/unused");
        var environment = new Dictionary<string, string?>();

        credentials.ApplyTo(environment);

        Assert.Equal("admin", environment["RaftCache__ApiKeys__0__Role"]);
        Assert.Equal(credentials.AdminKey, environment["RaftCache__ApiKeys__0__Key"]);
        Assert.Equal(credentials.SigningKey, environment["RaftCache__TokenSigningKey"]);
    }
}
