using ScottPlot;

namespace GpuSparse.Cli.Plots;

/// <summary>One line of a chart: a label and its points.</summary>
internal sealed record Series(string Label, double[] X, double[] Y);

/// <summary>
/// The charts of the command line, each built from plain arrays so that any producer (the example, the
/// <c>plot</c> command, λ paths and cross-validation) can feed them. Logarithmic axes plot log₁₀ of the
/// values and say so in the axis label, which stays honest about zeros (they are clamped and marked).
/// </summary>
internal static class Charts
{
    /// <summary>Width and height in pixels of every saved chart.</summary>
    public const int Width = 900, Height = 560;

    // Below this a relative gap is drawn at the floor: float64 cannot certify less, and log₁₀ 0 is −∞.
    private const double GapFloor = 1e-17;

    /// <summary>Lines of y against x; <paramref name="logY"/> plots log₁₀ y (values ≤ 0 at the floor).</summary>
    public static Plot Lines(string title, string xLabel, string yLabel, IReadOnlyList<Series> series, bool logY)
    {
        var plot = New(title, xLabel, logY ? $"log₁₀ {yLabel}" : yLabel);
        foreach (var line in series)
        {
            var ys = logY ? line.Y.Select(v => Math.Log10(Math.Max(v, GapFloor))).ToArray() : line.Y;
            var scatter = plot.Add.ScatterLine(line.X, ys);
            scatter.LegendText = line.Label;
            scatter.LineWidth = 2;
        }
        if (series.Count > 1)
            plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    /// <summary>
    /// Coefficient paths: each coefficient of a (K, p) row-major <paramref name="coefficients"/> against
    /// log₁₀ λ, λ decreasing to the right as in glmnet's and scikit-learn's path plots.
    /// </summary>
    public static Plot CoefficientPath(string title, double[] lambdas, double[] coefficients, IReadOnlyList<string> names)
    {
        int count = lambdas.Length, p = names.Count;
        if (coefficients.Length != (long)count * p)
            throw new ArgumentException($"{coefficients.Length} coefficients do not make {count} rows of {p}", nameof(coefficients));
        var logLambda = lambdas.Select(Math.Log10).ToArray();
        var series = Enumerable.Range(0, p)
            .Select(j => new Series(names[j], logLambda, Enumerable.Range(0, count).Select(k => coefficients[k * p + j]).ToArray()))
            .ToArray();
        var plot = Lines(title, "log₁₀ λ", "coefficient βⱼ", series, logY: false);
        plot.Axes.SetLimitsX(logLambda.Max(), logLambda.Min());
        plot.Add.HorizontalLine(0, 1, Colors.Gray, LinePattern.Dotted);
        if (p > 1)
            plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>A histogram of <paramref name="values"/> (log₁₀ of them when <paramref name="log10"/>) in about 30 bins.</summary>
    public static Plot Histogram(string title, string xLabel, IEnumerable<double> values, bool log10)
    {
        var data = values.Select(v => log10 ? Math.Log10(Math.Max(v, GapFloor)) : v).Where(double.IsFinite).ToArray();
        var plot = New(title, log10 ? $"log₁₀ {xLabel}" : xLabel, "problems");
        if (data.Length == 0)
            return plot;
        double low = data.Min(), high = data.Max();
        if (high <= low)
            high = low + 1;
        var histogram = ScottPlot.Statistics.Histogram.WithBinCount(30, low, high);
        histogram.AddRange(data);
        var bars = plot.Add.Bars(histogram.Bins, histogram.Counts);
        foreach (var bar in bars.Bars)
            bar.Size = histogram.FirstBinSize;
        plot.Axes.Margins(bottom: 0);
        return plot;
    }

    /// <summary>
    /// A cross-validation curve: mean held-out error against log₁₀ λ with ±1 standard-error bars, and the
    /// λ of least error and the largest λ within one standard error of it (the 1-SE rule) marked.
    /// </summary>
    public static Plot CvCurve(string title, double[] lambdas, double[] mean, double[] standardError, CvChoice choice)
    {
        var logLambda = lambdas.Select(Math.Log10).ToArray();
        var plot = New(title, "log₁₀ λ", "held-out mean squared error");
        var errors = plot.Add.ErrorBar(logLambda, mean, standardError);
        errors.Color = Colors.Gray;
        var curve = plot.Add.Scatter(logLambda, mean);
        curve.LegendText = "mean ± 1 s.e.";
        curve.MarkerSize = 5;
        curve.LineWidth = 1;
        var best = plot.Add.VerticalLine(Math.Log10(choice.LambdaMin), 2, Colors.Red, LinePattern.Dashed);
        best.LegendText = $"λ_min = {choice.LambdaMin:G3}";
        var oneSe = plot.Add.VerticalLine(Math.Log10(choice.Lambda1Se), 2, Colors.Blue, LinePattern.Dotted);
        oneSe.LegendText = $"λ_1se = {choice.Lambda1Se:G3}";
        plot.Axes.SetLimitsX(logLambda.Max(), logLambda.Min());
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    /// <summary>Writes <c>name.png</c> and <c>name.svg</c> in <paramref name="folder"/>; returns both paths.</summary>
    public static string[] Save(Plot plot, string folder, string name)
    {
        Directory.CreateDirectory(folder);
        string png = Path.Combine(folder, name + ".png"), svg = Path.Combine(folder, name + ".svg");
        plot.SavePng(png, Width, Height);
        plot.SaveSvg(svg, Width, Height);
        return [png, svg];
    }

    private static Plot New(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        PlotFont.Apply(plot);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot;
    }
}

/// <summary>The λ a cross-validation curve selects.</summary>
/// <param name="LambdaMin">The λ of least mean error.</param>
/// <param name="Lambda1Se">The largest λ whose mean error is within one standard error of the least (glmnet's lambda.1se).</param>
internal sealed record CvChoice(double LambdaMin, double Lambda1Se)
{
    /// <summary>Chooses from per-λ mean errors and their standard errors.</summary>
    public static CvChoice From(double[] lambdas, double[] mean, double[] standardError)
    {
        int best = 0;
        for (int k = 1; k < mean.Length; k++)
            if (mean[k] < mean[best])
                best = k;
        double limit = mean[best] + standardError[best];
        double oneSe = lambdas[best];
        for (int k = 0; k < mean.Length; k++)
            if (mean[k] <= limit && lambdas[k] > oneSe)
                oneSe = lambdas[k];
        return new CvChoice(lambdas[best], oneSe);
    }
}
