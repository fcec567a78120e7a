using System.Text.RegularExpressions;
using Xunit;

namespace GpuSparse.Tests.Packaging;

/// <summary>
/// The README's "Using the library" snippet, as written, is a program: built in a fresh console project that
/// references the packed GpuSparse package (as the README says to), then run. Slow (see <see cref="PackedPackages"/>).
/// </summary>
[Collection(PackagingCollection.Name)]
[Trait("Category", "Packaging")]
public sealed partial class ReadmeSnippetTests(PackedPackages packages)
{
    [Fact]
    public void UsingTheLibrarySnippetBuildsAgainstThePackageAndRuns()
    {
        string snippet = UsingTheLibrarySnippet(File.ReadAllText(Path.Combine(DotnetCli.RepositoryRoot, "README.md")));
        string project = Directory.CreateDirectory(Path.Combine(packages.Root, "consumer")).FullName;
        File.WriteAllText(Path.Combine(project, "Program.cs"), snippet);
        // What `dotnet new console` writes, plus the package and warnings as errors; the empty Directory.* files
        // keep MSBuild from picking up anything above the temporary folder.
        File.WriteAllText(Path.Combine(project, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="GpuSparse" Version="{packages.Version}" />
              </ItemGroup>
            </Project>
            """);
        foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets" })
            File.WriteAllText(Path.Combine(project, name), "<Project />");
        File.WriteAllText(Path.Combine(project, "Directory.Packages.props"),
            "<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>");
        // GpuSparse from the fresh feed into a private package folder; its dependency (ILGPU) from the packages the
        // repository's own restore already holds, so that nothing is downloaded.
        string globalPackages = DotnetCli.RunDotnet(project, "nuget", "locals", "global-packages", "--list")
            .Split(':', 2)[1].Trim();
        File.WriteAllText(Path.Combine(project, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(packages.Root, "consumer-packages")}" />
              </config>
              <packageSources>
                <clear />
                <add key="packed" value="{packages.Feed}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="restored" value="{globalPackages}" />
              </fallbackPackageFolders>
            </configuration>
            """);

        DotnetCli.RunDotnet(project, "build", "-c", "Release");
        var (exitCode, output) = DotnetCli.Run(DotnetCli.Host,
            [Path.Combine(project, "bin", "Release", "net10.0", "Consumer.dll")], project);

        Assert.True(exitCode == 0, output);
        // one line per λ of the snippet's grid, each a certified solution
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, line => Assert.Matches(@"^Converged: gap \d\.\dE[-+]\d+ after \d+ iterations, b0 = -?\d", line));
    }

    /// <summary>The first C# block under the README's "## Using the library" heading.</summary>
    internal static string UsingTheLibrarySnippet(string readme)
    {
        int section = readme.IndexOf("\n## Using the library", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no '## Using the library' section");
        var block = CSharpBlock().Match(readme, section);
        Assert.True(block.Success, "the 'Using the library' section has no ```csharp block");
        return block.Groups["code"].Value;
    }

    [GeneratedRegex(@"```csharp\r?\n(?<code>.*?)\r?\n```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
