using System.IO.Compression;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using System.Xml.Linq;
using GpuSparse.Tests.Support;
using Xunit;

namespace GpuSparse.Tests.Packaging;

/// <summary>
/// What <c>dotnet pack</c> gives a user: one library package with its metadata, the kernels and the XML docs
/// inside, and the <c>gpusparse</c> tool (precompiled on linux-x64, portable elsewhere) installed from its .nupkg and
/// run. Slow (see <see cref="PackedPackages"/>).
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
    public void ToolPackageIsADotnetToolNamedGpusparseThatNamesItsTwoImplementations()
    {
        using var zip = ZipFile.OpenRead(packages.Tool);
        var metadata = DescribedPackage(zip, "GpuSparse.Cli");
        Assert.Equal("DotnetTool", PackageType(metadata));
        var settings = ToolSettings(zip);
        Assert.Equal("gpusparse", settings.Descendants("Command").Single().Attribute("Name")?.Value);
        var implementations = settings.Descendants("RuntimeIdentifierPackage")
            .ToDictionary(e => e.Attribute("RuntimeIdentifier")!.Value, e => e.Attribute("Id")!.Value);
        Assert.Equal(new Dictionary<string, string> { ["linux-x64"] = "GpuSparse.Cli.linux-x64", ["any"] = "GpuSparse.Cli.any" },
            implementations);
        // a pointer only: the code is in the two packages it names
        Assert.DoesNotContain(zip.Entries, e => e.FullName.EndsWith(".dll", StringComparison.Ordinal));
    }

    [Fact]
    public void LinuxX64ToolIsPrecompiledAndThePortableToolIsNot()
    {
        using (var zip = ZipFile.OpenRead(packages.LinuxX64Tool))
        {
            Assert.Equal("DotnetToolRidPackage", PackageType(Nuspec(zip)));
            var command = ToolSettings(zip).Descendants("Command").Single();
            Assert.Equal(("gpusparse", "GpuSparse.Cli", "executable"),
                (command.Attribute("Name")?.Value, command.Attribute("EntryPoint")?.Value, command.Attribute("Runner")?.Value));
            // the solve path's assemblies carry native code (a ReadyToRun header), so a cold run JITs little
            foreach (var assembly in new[] { "GpuSparse.Cli.dll", "GpuSparse.dll", "GpuSparse.Kernels.dll", "System.Numerics.Tensors.dll" })
                Assert.True(IsReadyToRun(zip, $"tools/net10.0/linux-x64/{assembly}"), $"{assembly} is not ReadyToRun");
            Assert.Contains(zip.Entries, e => e.FullName == "tools/net10.0/linux-x64/libSkiaSharp.so");
            Assert.DoesNotContain(zip.Entries, e => e.FullName.Contains("/runtimes/", StringComparison.Ordinal));
        }
        using (var zip = ZipFile.OpenRead(packages.PortableTool))
        {
            Assert.Equal("DotnetToolRidPackage", PackageType(Nuspec(zip)));
            var command = ToolSettings(zip).Descendants("Command").Single();
            Assert.Equal(("gpusparse", "GpuSparse.Cli.dll", "dotnet"),
                (command.Attribute("Name")?.Value, command.Attribute("EntryPoint")?.Value, command.Attribute("Runner")?.Value));
            Assert.False(IsReadyToRun(zip, "tools/net10.0/any/GpuSparse.Cli.dll"));
            // plots work on every platform: the native renderers of each come along
            foreach (var native in new[] { "linux-x64/native/libSkiaSharp.so", "win-x64/native/libSkiaSharp.dll", "osx/native/libSkiaSharp.dylib" })
                Assert.Contains(zip.Entries, e => e.FullName == $"tools/net10.0/any/runtimes/{native}");
        }
    }

    [Fact]
    public void InstalledToolRunsInfoAndHelp()
    {
        string gpusparse = Install("GpuSparse.Cli", "tools");
        // on linux-x64 `dotnet tool install` picks the precompiled package, elsewhere the portable one
        string chosen = RuntimeInformation.RuntimeIdentifier == "linux-x64" ? "gpusparse.cli.linux-x64" : "gpusparse.cli.any";
        Assert.True(Directory.Exists(Path.Combine(packages.Root, "tools", ".store", "gpusparse.cli", packages.Version, chosen)),
            $"{chosen} was not installed");

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

    [SkippableFact]
    public void PrecompiledToolSolvesALassoPathAsThePortableToolDoesWithOrWithoutAvx2()
    {
        Skip.IfNot(RuntimeInformation.RuntimeIdentifier == "linux-x64", "the precompiled tool package is for linux-x64 only");
        string precompiled = Install("GpuSparse.Cli.linux-x64", "tools-linux-x64");
        string portable = Install("GpuSparse.Cli.any", "tools-any");
        string x = Path.Combine(ReferenceCases.DataRoot, "diabetes", "X.npy"), y = Path.Combine(ReferenceCases.DataRoot, "diabetes", "y.npy");
        // the run's coefficients, and whether the tool's entry point was JIT-compiled (the runtime's list of the
        // methods it compiled) rather than run precompiled
        (byte[] Coefs, bool Jitted) RunPath(string gpusparse, string name, params (string Name, string Value)[] environment)
        {
            string folder = Path.Combine(packages.Root, name), jitted = Path.Combine(packages.Root, $"{name}-jitted.txt");
            var variables = environment.ToDictionary(v => v.Name, v => v.Value);
            variables["DOTNET_JitStdOutFile"] = jitted;
            variables["DOTNET_JitDisasmSummary"] = "1";
            var (exitCode, output) = DotnetCli.Run(gpusparse, ["path", "--x", x, "--y", y, "--backend", "cd", "--tol", "1e-10", "--out", folder],
                packages.Root, environment: variables);
            Assert.True(exitCode == 0, output);
            return (File.ReadAllBytes(Path.Combine(folder, "coefs.npy")), File.ReadAllText(jitted).Contains("GpuSparse.Cli.Program:Main("));
        }
        // one solver, two compilations (ReadyToRun ahead of time, the JIT at run time): the same bits
        var (expected, _) = RunPath(portable, "path-any");
        Assert.True(expected.Length > 100 * 10 * sizeof(double), "a 100-step path of 10 features");
        var (coefs, jitted) = RunPath(precompiled, "path-linux-x64");
        Assert.Equal(expected, coefs);
        Assert.False(jitted, "the precompiled tool JIT-compiled its entry point");
        // without AVX2 (as on a CPU before x86-64-v3) the runtime rejects the code Crossgen2 compiled for AVX2 and
        // JIT-compiles it, with 128-bit Vector<T>: still the same coefficients
        (coefs, jitted) = RunPath(precompiled, "path-linux-x64-no-avx2", ("DOTNET_EnableAVX2", "0"));
        Assert.Equal(expected, coefs);
        Assert.True(jitted, "without AVX2 the precompiled entry point was not rejected");
    }

    /// <summary>Installs tool <paramref name="id"/> from the packed feed into <paramref name="folder"/>; returns its command.</summary>
    private string Install(string id, string folder)
    {
        string toolPath = Path.Combine(packages.Root, folder);
        DotnetCli.RunDotnet(packages.Root, "tool", "install", id, "--version", packages.Version,
            "--tool-path", toolPath, "--configfile", packages.NuGetConfig);
        return Path.Combine(toolPath, OperatingSystem.IsWindows() ? "gpusparse.exe" : "gpusparse");
    }

    private static string PackageType(XElement metadata) =>
        metadata.Descendants().Single(e => e.Name.LocalName == "packageType").Attribute("name")!.Value;

    private static XDocument ToolSettings(ZipArchive zip)
    {
        using var stream = zip.Entries.Single(e => e.FullName.EndsWith("DotnetToolSettings.xml", StringComparison.Ordinal)).Open();
        return XDocument.Load(stream);
    }

    /// <summary>Whether the assembly at <paramref name="entry"/> holds ReadyToRun native code (a managed native header).</summary>
    private static bool IsReadyToRun(ZipArchive zip, string entry)
    {
        var bytes = new MemoryStream();
        using (var stream = zip.GetEntry(entry)?.Open() ?? throw new Xunit.Sdk.XunitException($"no {entry} in the package"))
            stream.CopyTo(bytes);
        bytes.Position = 0;
        using var pe = new PEReader(bytes);
        return pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0;
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
