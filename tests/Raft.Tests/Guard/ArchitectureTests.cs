// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Xml.Linq;

namespace RaftCache.Raft.Tests.Guard;

/// <summary>Dependencies point down: Node → Resp, StateMachine, Storage, Raft; Resp → StateMachine; StateMachine and Storage → Raft at most; every layer and the CLI may use the shared codec, which references nothing.</summary>
public sealed class ArchitectureTests
{
    public static TheoryData<string, string[]> AllowedReferences => new()
    {
        { "Codec", [] },
        { "Raft", ["Codec"] },
        { "Storage", ["Raft", "Codec"] },
        { "StateMachine", ["Raft", "Codec"] },
        { "Resp", ["StateMachine"] },
        { "Node", ["Raft", "Storage", "StateMachine", "Resp", "Codec"] },
        { "Cli", ["Codec"] },
    };

    [Theory]
    [MemberData(nameof(AllowedReferences))]
    public void Source_projects_reference_only_the_layers_below_them(string project, string[] allowed)
    {
        var references = ProjectReferences(Path.Combine(RepositoryRoot.Path, "src", project, project + ".csproj"));

        Assert.All(references, r => Assert.Contains(r, allowed));
    }

    [Fact]
    public void Pure_projects_reference_no_packages()
    {
        // A package could bring clocks, threads or I/O in through the back door.
        foreach (var project in new[] { "Raft", "StateMachine" })
        {
            var document = XDocument.Load(Path.Combine(RepositoryRoot.Path, "src", project, project + ".csproj"));
            Assert.Empty(document.Descendants("PackageReference"));
        }
    }

    [Fact]
    public void The_codec_references_only_the_hashing_package()
    {
        // Raft and StateMachine reach the codec's packages too, so it may hold only a pure hashing library.
        var document = XDocument.Load(Path.Combine(RepositoryRoot.Path, "src", "Codec", "Codec.csproj"));
        var packages = document.Descendants("PackageReference").Select(e => e.Attribute("Include")!.Value);
        Assert.Equal(["System.IO.Hashing"], packages);
    }

    private static string[] ProjectReferences(string csproj) =>
        XDocument.Load(csproj).Descendants("ProjectReference")
            .Select(e => Path.GetFileNameWithoutExtension(e.Attribute("Include")!.Value.Replace('\\', '/')))
            .ToArray();
}
