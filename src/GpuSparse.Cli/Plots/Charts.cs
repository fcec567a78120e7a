using ScottPlot;

namespace GpuSparse.Cli.Plots;

/// <summary>One line of a chart: a label and its points.</summary>
internal sealed record Series(string Label, double[] X, double[] Y);

/// <summary>
/// The charts of the command line, each built from plain arrays so that any producer (the example, the
/// <c>plot</c> command, λ paths and cross-validation) can feed them. Logarithmic axes plot log₁₀ of the
/// values and say so in the axis label, which stays honest about zeros (they are clamped and marked).
/// Legends sit outside the data, lines at the ends of an axis sit inside a margin, and counts have integer ticks.
/// </summary>
internal static class Charts
{
    /// <summary>Width and height in pixels of every saved chart.</summary>
    public const int Width = 900, Height = 560;

    // Below this a relative gap is drawn at the floor: float64 cannot certify less, and log₁₀ 0 is −∞.
    private const double GapFloor = 1e-17;

    // Line styles that stay distinguishable where curves overlap: wide solid under narrow dashed.
    private static readonly (float Width, LinePattern Pattern)[] Styles =
        [(4, LinePattern.Solid), (2, LinePattern.Dashed), (3, LinePattern.Solid), (2, LinePattern.Dotted)];

    /// <summary>
    /// Lines of y against x; <paramref name="logY"/> plots log₁₀ y (values ≤ 0 at the floor). The x axis starts at
    /// <paramref name="xFrom"/> when given; <paramref name="integerY"/> gives the y axis integer ticks (counts).
    /// </summary>
    public static Plot Lines(string title, string xLabel, string yLabel, IReadOnlyList<Series> series, bool logY,
        double? xFrom = null, bool integerY = false)
    {
        var plot = New(title, xLabel, logY ? $"log₁₀ {yLabel}" : yLabel);
        for (int s = 0; s < series.Count; s++)
        {
            var line = series[s];
            var ys = logY ? line.Y.Select(v => Math.Log10(Math.Max(v, GapFloor))).ToArray() : line.Y;
            var scatter = plot.Add.ScatterLine(line.X, ys);
            scatter.LegendText = line.Label;
            (scatter.LineWidth, scatter.LinePattern) = Styles[s % Styles.Length];
        }
        if (series.Count > 1)
            plot.ShowLegend(Edge.Right);
        if (xFrom is { } from && series.Count > 0)
            plot.Axes.SetLimitsX(from, series.Max(l => l.X.DefaultIfEmpty(from + 1).Max()));
        if (integerY)
            IntegerTicks(plot.Axes.Left);
        return plot;
    }

    /// <summary>
    /// Coefficient paths: each coefficient of a (K, p) row-major <paramref name="coefficients"/> against log₁₀ λ, λ
    /// decreasing to the right as in glmnet's and scikit-learn's path plots, with glmnet's count of nonzero
    /// coefficients along the top axis. Steps with NaN coefficients (never solved: a cancelled sweep) are left out.
    /// </summary>
    public static Plot CoefficientPath(string title, double[] lambdas, double[] coefficients, IReadOnlyList<string> names)
    {
        int count = lambdas.Length, p = names.Count;
        if (coefficients.Length != (long)count * p)
            throw new ArgumentException($"{coefficients.Length} coefficients do not make {count} rows of {p}", nameof(coefficients));
        int[] steps = [.. Enumerable.Range(0, count).Where(k => lambdas[k] > 0 && double.IsFinite(lambdas[k]) && !double.IsNaN(coefficients[k * p]))];
        var logLambda = steps.Select(k => Math.Log10(lambdas[k])).ToArray();
        var series = Enumerable.Range(0, p)
            .Select(j => new Series(names[j], logLambda, steps.Select(k => coefficients[k * p + j]).ToArray()))
            .ToArray();
        var plot = New(title, "log₁₀ λ", "coefficient βⱼ");
        foreach (var line in series)
        {
            var scatter = plot.Add.ScatterLine(line.X, line.Y);
            scatter.LegendText = line.Label;
            scatter.LineWidth = 2;
        }
        plot.Add.HorizontalLine(0, 1, Colors.Gray, LinePattern.Dotted);
        if (p > 1 && p <= 30)
            plot.ShowLegend(Edge.Right);
        if (logLambda.Length == 0)
            return plot;
        double left = logLambda.Max(), right = logLambda.Min();
        if (left == right)
            (left, right) = (left + 0.5, right - 0.5);
        plot.Axes.SetLimitsX(left, right);
        plot.Axes.SetLimitsX(left, right, plot.Axes.Top);
        // glmnet's top axis: the number of nonzero coefficients at about eight λ along the path.
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        int marks = Math.Min(8, steps.Length);
        for (int m = 0; m < marks; m++)
        {
            int at = marks == 1 ? 0 : (int)Math.Round(m * (steps.Length - 1) / (double)(marks - 1));
            int nonzeros = p - coefficients.AsSpan(steps[at] * p, p).Count(0.0);
            ticks.AddMajor(logLambda[at], nonzeros.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        plot.Axes.Top.TickGenerator = ticks;
        // A label on the top axis would be drawn over the title: the title says what the top axis counts.
        plot.Title(title + "\n(top axis: number of nonzero coefficients)");
        return plot;
    }

    /// <summary>
    /// A histogram of <paramref name="values"/> (log₁₀ of them when <paramref name="log10"/>) in about 30 bins, counts
    /// on an integer axis. Integer data (iterations) are counted exactly: one bar per value that occurs on its lattice
    /// (values are often multiples of the gap-check interval), or bins of a whole number of lattice steps.
    /// </summary>
    public static Plot Histogram(string title, string xLabel, IEnumerable<double> values, bool log10)
    {
        var data = values.Select(v => log10 ? Math.Log10(Math.Max(v, GapFloor)) : v).Where(double.IsFinite).ToArray();
        var plot = New(title, log10 ? $"log₁₀ {xLabel}" : xLabel, "problems");
        IntegerTicks(plot.Axes.Left);
        if (data.Length == 0)
            return plot;
        double low = data.Min(), high = data.Max();
        double[] edges;
        if (!log10 && data.All(v => v == Math.Round(v) && Math.Abs(v) < 1e9))
        {
            long step = data.Select(v => (long)v - (long)low).Aggregate(0L, Gcd);
            step = Math.Max(step, 1);
            long lattice = ((long)high - (long)low) / step + 1;
            long width = step * (long)Math.Ceiling(lattice / 30.0);
            // bins [low − w/2 + i·w, …): each holds whole lattice points, centred on a value when w is one step
            int bins = (int)(((long)high - (long)low) / width + 1);
            edges = [.. Enumerable.Range(0, bins + 1).Select(i => low - width / 2.0 + i * (double)width)];
        }
        else
        {
            if (high <= low)
                (low, high) = (low - 0.5, high + 0.5);
            edges = [.. Enumerable.Range(0, 31).Select(i => low + (high - low) * i / 30)];
        }
        var counts = new double[edges.Length - 1];
        foreach (double v in data)
            counts[Math.Clamp((int)((v - edges[0]) / (edges[1] - edges[0])), 0, counts.Length - 1)]++;
        double size = edges[1] - edges[0];
        var bars = plot.Add.Bars(counts.Select((_, i) => edges[i] + size / 2).ToArray(), counts);
        foreach (var bar in bars.Bars)
            bar.Size = size * 0.95;
        plot.Axes.Margins(bottom: 0);
        return plot;
    }

    /// <summary>
    /// A cross-validation curve: mean held-out error against log₁₀ λ, with ±1 standard-error bars when
    /// <paramref name="standardError"/> is given, the λ of least error and (with error bars) the largest λ within one
    /// standard error of it (the 1-SE rule) marked. λ decreases to the right; lines at the ends stay off the frame.
    /// </summary>
    public static Plot CvCurve(string title, double[] lambdas, double[] mean, double[]? standardError, CvChoice choice)
    {
        int[] steps = [.. Enumerable.Range(0, lambdas.Length).Where(i => lambdas[i] > 0 && double.IsFinite(mean[i]))];
        var logLambda = steps.Select(i => Math.Log10(lambdas[i])).ToArray();
        var curveMean = steps.Select(i => mean[i]).ToArray();
        var plot = New(title, "log₁₀ λ", "held-out mean squared error");
        if (standardError is not null)
        {
            var errors = plot.Add.ErrorBar(logLambda, curveMean, steps.Select(i => standardError[i]).ToArray());
            errors.Color = Colors.Gray;
        }
        var curve = plot.Add.Scatter(logLambda, curveMean);
        curve.LegendText = standardError is null ? "held-out MSE" : "mean ± 1 s.e. over folds";
        curve.MarkerSize = 5;
        curve.LineWidth = 1;
        var best = plot.Add.VerticalLine(Math.Log10(choice.LambdaMin), 2, Colors.Red, LinePattern.Dashed);
        best.LegendText = $"λ_min = {choice.LambdaMin:G3}";
        if (standardError is not null)
        {
            var oneSe = plot.Add.VerticalLine(Math.Log10(choice.Lambda1Se), 2, Colors.Blue, LinePattern.Dotted);
            oneSe.LegendText = $"λ_1se = {choice.Lambda1Se:G3}";
        }
        if (logLambda.Length > 0)
        {
            double high = logLambda.Max(), low = logLambda.Min(), margin = Math.Max(0.04 * (high - low), 0.05);
            plot.Axes.SetLimitsX(high + margin, low - margin);
        }
        plot.ShowLegend(Edge.Right);
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

    private static void IntegerTicks(IAxis axis) =>
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };

    private static long Gcd(long a, long b) => b == 0 ? Math.Abs(a) : Gcd(b, a % b);

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
    /// <summary>Chooses from per-λ mean errors and their standard errors (steps with a NaN mean, never solved, are skipped).</summary>
    public static CvChoice From(double[] lambdas, double[] mean, double[] standardError)
    {
        int best = -1;
        for (int k = 0; k < mean.Length; k++)
            if (!double.IsNaN(mean[k]) && (best < 0 || mean[k] < mean[best]))
                best = k;
        if (best < 0)
            return new CvChoice(double.NaN, double.NaN);
        double limit = mean[best] + standardError[best];
        double oneSe = lambdas[best];
        for (int k = 0; k < mean.Length; k++)
            if (mean[k] <= limit && lambdas[k] > oneSe)
                oneSe = lambdas[k];
        return new CvChoice(lambdas[best], oneSe);
    }
}
