using System.IO.Compression;
using System.Xml.Linq;
using Xunit;

namespace GpuSparse.Tests.Packaging;

/// <summary>
/// What <c>dotnet pack</c> gives a user: one library package with its metadata, the kernels and the XML docs
/// inside, and the <c>gpusparse</c> tool installed from its .nupkg and run. Slow (see <see cref="PackedPackages"/>).
/// </summary>
[Collection(PackagingCollection.Name)]
[Trait("Category", "Packaging")]
public sealed class PackageTests(PackedPackages packages)
{
    [Fact]
    public void LibraryPackageCarriesItsMetadataTheKernelsAndTheDocs()
    {
        using var zip = ZipFile.OpenRead(packages.Library);
        var metadata = DescribedPackage(zip, "GpuSparse");
        // the kernels are inside, not a dependency on a package nobody publishes
        var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(e => e.Attribute("id")!.Value).ToArray();
        Assert.Contains("ILGPU", dependencies);
        Assert.DoesNotContain("GpuSparse.Kernels", dependencies);
        var files = zip.Entries.Select(e => e.FullName).ToHashSet();
        foreach (var file in new[] { "lib/net10.0/GpuSparse.dll", "lib/net10.0/GpuSparse.xml",
                     "lib/net10.0/GpuSparse.Kernels.dll", "lib/net10.0/GpuSparse.Kernels.xml" })
            Assert.Contains(file, files);
    }

    [Fact]
    public void ToolPackageIsADotnetToolNamedGpusparse()
    {
        using var zip = ZipFile.OpenRead(packages.Tool);
        var metadata = DescribedPackage(zip, "GpuSparse.Cli");
        Assert.Contains(metadata.Descendants(), e => e.Name.LocalName == "packageType" && e.Attribute("name")?.Value == "DotnetTool");
        var settings = XDocument.Load(zip.Entries.Single(e => e.FullName.EndsWith("DotnetToolSettings.xml", StringComparison.Ordinal)).Open());
        var command = settings.Descendants("Command").Single();
        Assert.Equal("gpusparse", command.Attribute("Name")?.Value);
        Assert.Equal("GpuSparse.Cli.dll", command.Attribute("EntryPoint")?.Value);
    }

    [Fact]
    public void InstalledToolRunsInfoAndHelp()
    {
        string toolPath = Path.Combine(packages.Root, "tools");
        DotnetCli.RunDotnet(packages.Root, "tool", "install", "GpuSparse.Cli", "--version", packages.Version,
            "--tool-path", toolPath, "--configfile", packages.NuGetConfig);
        string gpusparse = Path.Combine(toolPath, OperatingSystem.IsWindows() ? "gpusparse.exe" : "gpusparse");

        var (exitCode, info) = DotnetCli.Run(gpusparse, ["info"], packages.Root);
        Assert.True(exitCode == 0, info);
        Assert.Contains($"gpusparse {packages.Version}", info);
        Assert.Matches(@"(?m)^cd\s+managed CPU.*\byes\b", info);

        (exitCode, var help) = DotnetCli.Run(gpusparse, ["--help"], packages.Root);
        Assert.True(exitCode == 0, help);
        Assert.Contains("gpusparse [command] [options]", help);
        foreach (var command in new[] { "solve", "example", "path", "cv", "plot", "info", "anomaly" })
            Assert.Matches($@"(?m)^\s+{command}\b", help);
    }

    /// <summary>The package's nuspec metadata, asserted to be real: id, MIT licence expression, readme, description, authors, tags.</summary>
    private static XElement DescribedPackage(ZipArchive zip, string id)
    {
        var metadata = Nuspec(zip);
        Assert.Equal(id, Value(metadata, "id"));
        Assert.Equal("MIT", Value(metadata, "license"));
        Assert.Equal("expression", metadata.Elements().Single(e => e.Name.LocalName == "license").Attribute("type")?.Value);
        Assert.Equal("README.md", Value(metadata, "readme"));
        Assert.DoesNotContain("Package Description", Value(metadata, "description"));
        Assert.Contains("Lasso", Value(metadata, "description"));
        Assert.NotEqual(id, Value(metadata, "authors"));
        Assert.Contains("lasso", Value(metadata, "tags"));
        var files = zip.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains("README.md", files);
        Assert.Contains("LICENSE", files);
        return metadata;
    }

    private static XElement Nuspec(ZipArchive zip)
    {
        var entry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = entry.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string Value(XElement metadata, string name) =>
        metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value
        ?? throw new Xunit.Sdk.XunitException($"the nuspec has no <{name}>");
}
