using GpuSparse.Backends;
using Xunit;

namespace GpuSparse.Tests.Reliability;

/// <summary>BAD_INPUTS.md is generated from <see cref="BadInputs.All"/>: the committed table and the cases cannot drift apart.</summary>
public sealed class BadInputTableTests
{
    [Fact]
    public void TheCommittedTableIsTheOneTheCasesGenerate()
    {
        using var backend = new ReferenceBackend();
        string table = BadInputs.Table(backend);
        string path = BadInputs.TablePath();
        if (Environment.GetEnvironmentVariable("GPUSPARSE_UPDATE_TABLES") == "1")
            File.WriteAllText(path, table);
        Assert.Equal(table, File.ReadAllText(path));
    }

    [Fact]
    public void TheCatalogueCoversAtLeastTwentyFiveDistinctKinds()
    {
        Assert.True(BadInputs.All.Count >= 25, $"{BadInputs.All.Count} cases");
        Assert.Equal(BadInputs.All.Count, BadInputs.All.Select(c => c.Description).Distinct().Count());
    }
}
