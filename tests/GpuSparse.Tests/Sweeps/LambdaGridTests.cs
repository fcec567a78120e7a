using GpuSparse.IO;
using GpuSparse.Sweeps;
using GpuSparse.Tests.Support;
using Xunit;

namespace GpuSparse.Tests.Sweeps;

public sealed class LambdaGridTests
{
    private static readonly ReferenceCase Diabetes = ReferenceCases.Load("diabetes");

    private static double[] Read(string file) =>
        NpyReader.Read(Path.Combine(ReferenceCases.DataRoot, "diabetes", file)).ToDouble();

    [Fact]
    public void ScikitLearnGridOnDiabetesIsLassoPathsGrid()
    {
        var reference = Read("path_alphas.npy");
        double lambdaMax = new SweepDesign<double>(Diabetes.X, Diabetes.Features, true, false).LambdaMax(Diabetes.Y, 1.0);
        var grid = LambdaGrid.Create(GridConvention.ScikitLearn, lambdaMax, 1e-3, 100);
        for (int i = 0; i < grid.Length; i++)
            Assert.Equal(reference[i], grid[i], 1e-13 * reference[i]);
    }
}
