using GpuSparse.Cli.Plots;
using SkiaSharp;
using Xunit;

namespace GpuSparse.Tests.Cli;

/// <summary>Plots render their text with the embedded font, so they need no font on the machine.</summary>
public sealed class PlotRenderingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gpusparse-plot-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void AxisLabelsAndTitleAreDrawnAsPixelsInThePngAndAsTextInTheSvg()
    {
        double[] lambdas = [1.0, 0.5, 0.25, 0.125];
        double[] coefficients = [0, 0, 0.2, 0, 0.5, -0.1, 0.7, -0.3];
        Charts.Save(Charts.CoefficientPath("Coefficient path", lambdas, coefficients, ["bmi", "bp"]), _folder, "labelled");
        // Labels of spaces keep the layout identical, so any difference in ink is the glyphs themselves.
        var blank = Charts.CoefficientPath(new string(' ', 16), lambdas, coefficients, ["bmi", "bp"]);
        blank.XLabel(new string(' ', 8));
        blank.YLabel(new string(' ', 16));
        Charts.Save(blank, _folder, "blank");

        using var labelled = SKBitmap.Decode(Path.Combine(_folder, "labelled.png"));
        using var unlabelled = SKBitmap.Decode(Path.Combine(_folder, "blank.png"));
        Assert.Equal(Charts.Width, labelled.Width);
        Assert.Equal(Charts.Height, labelled.Height);
        // The x label sits in the bottom strip, the y label in the left strip: ink there only when text is drawn.
        int xLabelInk = Ink(labelled, 0, labelled.Height - 22, labelled.Width, labelled.Height);
        int blankXLabelInk = Ink(unlabelled, 0, unlabelled.Height - 22, unlabelled.Width, unlabelled.Height);
        int yLabelInk = Ink(labelled, 0, 0, 20, labelled.Height), blankYLabelInk = Ink(unlabelled, 0, 0, 20, unlabelled.Height);
        int titleInk = Ink(labelled, 0, 0, labelled.Width, 30);
        Assert.True(xLabelInk > 100 && yLabelInk > 100 && titleInk > 200, $"x label {xLabelInk}, y label {yLabelInk}, title {titleInk} dark pixels");
        Assert.True(xLabelInk > 10 * (blankXLabelInk + 1) && yLabelInk > 10 * (blankYLabelInk + 1),
            $"labelled {xLabelInk}/{yLabelInk}, blank {blankXLabelInk}/{blankYLabelInk}");

        string svg = File.ReadAllText(Path.Combine(_folder, "labelled.svg"));
        Assert.Contains("<text", svg);
        Assert.Contains("Coefficient path", svg);
    }

    [Fact]
    public void HistogramAndCvCurveRenderAndTheOneSeRuleIsGlmnets()
    {
        double[] lambdas = [1, 0.5, 0.25, 0.125, 0.0625];
        double[] mean = [10, 6, 5.2, 5.0, 5.1];
        double[] se = [1, 0.5, 0.3, 0.3, 0.4];
        var choice = CvChoice.From(lambdas, mean, se);
        Assert.Equal(0.125, choice.LambdaMin);
        Assert.Equal(0.25, choice.Lambda1Se);
        foreach (var file in Charts.Save(Charts.CvCurve("cv", lambdas, mean, se, choice), _folder, "cv")
                     .Concat(Charts.Save(Charts.Histogram("h", "iterations", [1, 2, 2, 3, 3, 3], log10: false), _folder, "h")))
            Assert.True(new FileInfo(file).Length > 1000, file);
        using var cv = SKBitmap.Decode(Path.Combine(_folder, "cv.png"));
        Assert.True(Ink(cv, 0, 0, cv.Width, cv.Height) > 2000);
    }

    private static int Ink(SKBitmap bitmap, int left, int top, int right, int bottom)
    {
        int count = 0;
        for (int y = top; y < bottom; y++)
            for (int x = left; x < right; x++)
            {
                var c = bitmap.GetPixel(x, y);
                if (c.Red + c.Green + c.Blue < 3 * 160)
                    count++;
            }
        return count;
    }
}
