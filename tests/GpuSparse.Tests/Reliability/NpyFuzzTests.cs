using System.Runtime.CompilerServices;
using GpuSparse.IO;
using Xunit;
using Xunit.Abstractions;

namespace GpuSparse.Tests.Reliability;

/// <summary>
/// NpyReader and CsvTable under mutation fuzzing (<see cref="NpyFuzzer"/>). CI runs a few thousand inputs; the long run is
/// <c>GPUSPARSE_FUZZ_ITERATIONS=100000 dotnet test tests/GpuSparse.Tests -c Release --filter NpyFuzz</c>
/// (see FUZZING.md for its result). <c>GPUSPARSE_FUZZ_SEED</c> picks another RNG seed.
/// </summary>
public sealed class NpyFuzzTests(ITestOutputHelper output)
{
    private const int CiIterations = 4000;

    public static string CorpusDirectory([CallerFilePath] string source = "") => Path.Combine(Path.GetDirectoryName(source)!, "Corpus");

    private static byte[][] Corpus(string pattern = "*.npy") =>
        [.. Directory.GetFiles(CorpusDirectory(), pattern).Order(StringComparer.Ordinal).Select(File.ReadAllBytes)];

    private static (int Iterations, int Seed) Settings() =>
        (int.TryParse(Environment.GetEnvironmentVariable("GPUSPARSE_FUZZ_ITERATIONS"), out int n) ? n : CiIterations,
         int.TryParse(Environment.GetEnvironmentVariable("GPUSPARSE_FUZZ_SEED"), out int s) ? s : 1);

    [Fact]
    public void EverySeedOfTheCorpusIsValid()
    {
        var files = Directory.GetFiles(CorpusDirectory(), "*.npy");
        Assert.True(files.Length >= 10, $"{files.Length} seeds");
        foreach (var file in files)
            Assert.NotNull(NpyReader.Read(file));
        // Spot checks that the hand-written seeds say what their names say.
        Assert.Equal([0.0, 4, 2, 6, 1, 5, 3, 7], NpyReader.Read(Path.Combine(CorpusDirectory(), "f8_fortran_2x2x2.npy")).ToDouble());
        Assert.Equal([1.0, 2, 3], NpyReader.Read(Path.Combine(CorpusDirectory(), "f8_big_endian_3.npy")).ToDouble());
        Assert.Equal([0, 3], NpyReader.Read(Path.Combine(CorpusDirectory(), "f8_empty_0x3.npy")).Shape);
        Assert.Equal([3.5], NpyReader.Read(Path.Combine(CorpusDirectory(), "f8_scalar.npy")).ToDouble());
    }

    [Fact]
    public void MutatedInputsRaiseOnlyNpyFormatExceptionAndAllocateLittle()
    {
        var (iterations, seed) = Settings();
        AssertClean("npy", NpyFuzzer.Run(Corpus(), iterations, seed), seed);
    }

    [Fact]
    public void MutatedCsvInputsRaiseOnlyCsvFormatExceptionAndAllocateLittle()
    {
        var (iterations, seed) = Settings();
        Assert.All(Directory.GetFiles(CorpusDirectory(), "*.csv"), file => Assert.True(CsvTable.Read(file).Rows > 0));
        AssertClean("csv", NpyFuzzer.RunCsv(Corpus("*.csv"), iterations, seed), seed);
    }

    private void AssertClean(string format, FuzzReport report, int seed)
    {
        output.WriteLine($"{format} seed {seed}: {report.Inputs} inputs, {report.Accepted} accepted, {report.Rejected} rejected with the format exception, " +
            $"{report.Failures.Count} failures, {report.Elapsed.TotalSeconds:F1} s");
        Assert.True(report.Failures.Count == 0, string.Join("\n", report.Failures.Take(5)));
        // Both outcomes occur: the mutations reach past the checks as well as into them.
        Assert.True(report.Accepted > report.Inputs / 100 && report.Rejected > report.Inputs / 10, $"{report.Accepted} accepted, {report.Rejected} rejected");
    }
}
