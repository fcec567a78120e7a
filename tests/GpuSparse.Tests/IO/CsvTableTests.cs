using GpuSparse.IO;
using Xunit;

namespace GpuSparse.Tests.IO;

/// <summary>CSV against numpy/pandas-written fixtures (Data/io/make_fixtures.py): every layout reads to the exact doubles of X.npy.</summary>
public sealed class CsvTableTests
{
    internal static string Fixture(string file) => Path.Combine(AppContext.BaseDirectory, "Data", "io", file);

    private static readonly string[] Features = ["age", "bmi", "bp"];

    [Theory]
    [InlineData("data_pandas.csv")]
    [InlineData("data_pandas_noindex.csv")]
    [InlineData("data_r.csv")]
    [InlineData("X_savetxt.csv")]
    public void EveryNumpyPandasAndRLayoutReadsToTheExactDoublesOfTheNpy(string file)
    {
        var table = CsvTable.Read(Fixture(file));
        Assert.Equal(Features, table.Names.Take(3));
        var x = NpyReader.Read(Fixture("X.npy"));
        Assert.Equal(x.Shape[0], table.Rows);
        Assert.Equal(Bits(x.ToDouble()), Bits(table.ToRowMajor("target")));
        if (table.IndexOf("target") >= 0)
            Assert.Equal(Bits(NpyReader.Read(Fixture("y.npy")).ToDouble()), Bits(table.Column("target")));
    }

    [Fact]
    public void WhatWeWriteReadsBackBitForBitAndAsPandasWroteIt()
    {
        var x = NpyReader.Read(Fixture("X.npy")).ToDouble();
        string path = Path.Combine(Directory.CreateTempSubdirectory("gpusparse-csv-").FullName, "X.csv");
        double[] special = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon];
        CsvTable.Write(path, ["age", "b,mi", "bp"], [.. x, .. special, -0.0, 1e308]);
        var back = CsvTable.Read(path);
        Assert.Equal(["age", "b,mi", "bp"], back.Names);
        Assert.Equal(Bits([.. x, .. special, -0.0, 1e308]), Bits(back.ToRowMajor()));
        var pandas = CsvTable.Read(Fixture("data_pandas_noindex.csv"));
        Assert.Equal(Bits(pandas.ToRowMajor("target")), Bits(back.ToRowMajor().Take(x.Length).ToArray()));
    }

    /// <summary>
    /// Many rows are formatted by every core in pieces; the file is the text of one number at a time, in order,
    /// whatever the blocks the rows came in.
    /// </summary>
    [Fact]
    public void ManyRowsFormattedOnEveryCoreAreTheTextOfOneNumberAtATime()
    {
        var random = new Random(17);
        double[] special = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, -0.0, 0, 1e308,
            -1.2345678901234567E-308, double.MaxValue, double.MinValue];
        int columns = 33, rows = 3000;
        var values = new double[rows * columns];
        for (int i = 0; i < values.Length; i++)
            values[i] = i % 7 == 0 ? special[i / 7 % special.Length] : (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-30, 30));
        string[] names = [.. Enumerable.Range(0, columns).Select(j => $"c{j}")];
        var expected = new System.Text.StringBuilder(string.Join(",", names) + "\n");
        for (int r = 0; r < rows; r++)
            expected.Append(string.Join(",", values.Skip(r * columns).Take(columns).Select(CsvTable.Format))).Append('\n');

        string folder = Directory.CreateTempSubdirectory("gpusparse-csv-").FullName;
        string whole = Path.Combine(folder, "whole.csv"), blocks = Path.Combine(folder, "blocks.csv");
        CsvTable.Write(whole, names, values);
        using (var writer = CsvTable.OpenWriter(blocks, names))
            foreach (var (first, count) in new[] { (0, 1), (1, 700), (701, 2), (703, 2297) })
                writer.WriteRows(values.AsMemory(first * columns, count * columns));

        Assert.Equal(expected.ToString(), File.ReadAllText(whole));
        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(blocks));
        Assert.Equal(Bits(values), Bits(CsvTable.Read(whole).ToRowMajor()));
        Directory.Delete(folder, recursive: true);
    }

    [Theory]
    [InlineData("bad_text.csv", "line 3, column 2", "'six' is not a number")]
    [InlineData("bad_ragged.csv", "line 3", "has 3 fields but the header (line 1) has 4")]
    [InlineData("bad_missing.csv", "line 5, column 2", "is missing")]
    [InlineData("bad_noheader.csv", "line 1, column 1", "must be a header of column names")]
    [InlineData("X.npy", "line 1", "binary file")]
    public void BadFilesNameTheFileTheLineAndTheColumn(string file, string where, string what)
    {
        var error = Assert.Throws<CsvFormatException>(() => CsvTable.Read(Fixture(file)));
        Assert.Contains(Fixture(file) + ", " + where, error.Message);
        Assert.Contains(what, error.Message);
    }

    [Fact]
    public void AnEmptyFileAndAHeaderWithoutRowsAreRejected()
    {
        Assert.Contains("empty", Assert.Throws<CsvFormatException>(() => CsvTable.Read(new StringReader(""), "e.csv")).Message);
        Assert.Contains("no rows", Assert.Throws<CsvFormatException>(() => CsvTable.Read(new StringReader("a,b\n"), "h.csv")).Message);
        Assert.Contains("not closed", Assert.Throws<CsvFormatException>(() => CsvTable.Read(new StringReader("\"a,b\n1\n"), "q.csv")).Message);
        Assert.Contains("appears twice", Assert.Throws<CsvFormatException>(() => CsvTable.Read(new StringReader("a,a\n1,2\n"), "d.csv")).Message);
    }

    [Fact]
    public void NumpyFloat32AndFortranOrderFilesHoldTheSameValues()
    {
        var x = NpyReader.Read(Fixture("X.npy")).ToDouble();
        Assert.Equal(Bits(x), Bits(NpyReader.Read(Fixture("X_fortran.npy")).ToDouble()));
        Assert.Equal(x.Select(v => (float)v), NpyReader.Read(Fixture("X_f4.npy")).ToSingle());
    }

    [Fact]
    public void OurNpyFilesAreByteIdenticalToNumpys()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("gpusparse-npy-").FullName, "X.npy");
        var x = NpyReader.Read(Fixture("X.npy"));
        NpyWriter.Write(path, x.ToDouble(), x.Shape);
        Assert.Equal(File.ReadAllBytes(Fixture("X.npy")), File.ReadAllBytes(path));
    }

    private static long[] Bits(IEnumerable<double> values) => [.. values.Select(BitConverter.DoubleToInt64Bits)];
}
