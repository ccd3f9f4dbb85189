// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Text;
using System.Security.Cryptography;

namespace RaftCache.Node.Dev;

/// <summary>
/// The admin API key and token signing key of a dev cluster: random, written once to a file readable only by its
/// owner inside the dev data folder, and passed to the nodes as environment variables (RaftCache__ApiKeys__0__…,
/// RaftCache__TokenSigningKey), so no secret appears on a command line.
/// </summary>
public sealed record DevCredentials(string AdminKey, string SigningKey, string Path)
{
    public const string FileName = "dev-credentials";

    public static DevCredentials LoadOrCreate(string dataDir)
    {
        var path = System.IO.Path.Combine(dataDir, FileName);
        if (File.Exists(path) && File.ReadAllLines(path) is [var key, var signing, ..] && key.Length >= 16 && signing.Length >= 32)
            return new DevCredentials(key, signing, path);
        var created = new DevCredentials("rc-" + Random(24), Random(32), path);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(path, options))
        using (var writer = new StreamWriter(file))
        {
            writer.WriteLine(created.AdminKey);
            writer.WriteLine(created.SigningKey);
        }
        return created;
    }

    public void ApplyTo(IDictionary<string, string?> environment)
    {
        environment["RaftCache__ApiKeys__0__Name"] = "dev-admin";
        environment["RaftCache__ApiKeys__0__Role"] = "admin";
        environment["RaftCache__ApiKeys__0__Key"] = AdminKey;
        environment["RaftCache__TokenSigningKey"] = SigningKey;
    }

    private static string Random(int bytes) => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(bytes));
}
