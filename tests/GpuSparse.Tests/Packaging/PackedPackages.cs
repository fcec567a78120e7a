using Xunit;

namespace GpuSparse.Tests.Packaging;

/// <summary>
/// The packages as <c>dotnet pack</c> makes them (the GpuSparse library; the GpuSparse.Cli tool, which is a pointer
/// to its linux-x64 ReadyToRun package and its portable <c>any</c> package), packed once into a temporary feed for the
/// packaging tests, which read, install and build against them. Packing the tool precompiles the linux-x64 package and
/// copies the SkiaSharp native assets of every platform into the portable one: this fixture is the slow part.
/// </summary>
public sealed class PackedPackages : IDisposable
{
    public PackedPackages()
    {
        Root = Directory.CreateTempSubdirectory("gpusparse-packaging-").FullName;
        Feed = Path.Combine(Root, "feed");
        foreach (var project in new[] { "src/GpuSparse", "src/GpuSparse.Cli" })
            DotnetCli.RunDotnet(DotnetCli.RepositoryRoot, "pack", project, "-c", DotnetCli.Configuration, "-o", Feed);
        Library = Single("GpuSparse.*.nupkg", name => !name.StartsWith("GpuSparse.Cli.", StringComparison.Ordinal));
        Version = Path.GetFileNameWithoutExtension(Library)["GpuSparse.".Length..];
        Tool = Single($"GpuSparse.Cli.{Version}.nupkg", _ => true);
        LinuxX64Tool = Single($"GpuSparse.Cli.linux-x64.{Version}.nupkg", _ => true);
        PortableTool = Single($"GpuSparse.Cli.any.{Version}.nupkg", _ => true);
        // Only this feed: what is tested is what was just packed, never a package of the same name elsewhere.
        NuGetConfig = Path.Combine(Root, "nuget.config");
        File.WriteAllText(NuGetConfig, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="packed" value="{Feed}" />
              </packageSources>
            </configuration>
            """);
    }

    /// <summary>A temporary folder for everything these tests write; deleted at the end.</summary>
    public string Root { get; }

    /// <summary>The folder the packages were packed into.</summary>
    public string Feed { get; }

    /// <summary>The library package, GpuSparse.VERSION.nupkg.</summary>
    public string Library { get; }

    /// <summary>The tool package, GpuSparse.Cli.VERSION.nupkg: what a user installs; it names the two below.</summary>
    public string Tool { get; }

    /// <summary>The tool precompiled for linux-x64 (ReadyToRun), GpuSparse.Cli.linux-x64.VERSION.nupkg.</summary>
    public string LinuxX64Tool { get; }

    /// <summary>The portable framework-dependent tool every other platform gets, GpuSparse.Cli.any.VERSION.nupkg.</summary>
    public string PortableTool { get; }

    /// <summary>The version both were packed with.</summary>
    public string Version { get; }

    /// <summary>A nuget.config whose only source is <see cref="Feed"/>.</summary>
    public string NuGetConfig { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // a temporary folder left behind is not a test failure
        }
    }

    private string Single(string pattern, Func<string, bool> keep)
    {
        var found = Directory.GetFiles(Feed, pattern).Where(path => keep(Path.GetFileName(path))).ToArray();
        Assert.True(found.Length == 1, $"expected one {pattern} in {Feed}, found: {string.Join(", ", found)}");
        return found[0];
    }
}

/// <summary>The packaging tests share one pack and run one after another (they build in the same folders).</summary>
[CollectionDefinition(Name)]
public sealed class PackagingCollection : ICollectionFixture<PackedPackages>
{
    public const string Name = "Packaging (slow: packs the library and the tool)";
}
