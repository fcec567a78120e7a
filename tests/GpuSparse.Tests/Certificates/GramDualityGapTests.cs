using GpuSparse.Certificates;
using GpuSparse.Kernels.Penalties;
using GpuSparse.Model;
using GpuSparse.Preparation;
using GpuSparse.Tests.Support;
using Xunit;

namespace GpuSparse.Tests.Certificates;

public sealed class GramDualityGapTests
{
    public static TheoryData<double, bool> Settings() => new()
    {
        { 1.0, false }, { 0.5, false }, { 0.0, false }, { 1.0, true }, { 0.3, true },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void EqualsTheDesignFormToRounding(double l1Ratio, bool positive)
    {
        var data = ReferenceCases.Load("rand_n50_p200_iid");
        int n = data.Samples, p = data.Features;
        var settings = new ProblemSettings { Lambda = 0.05, L1Ratio = l1Ratio, Positive = positive };
        var prepared = BatchPreparation.Prepare(ProblemBatch<double>.Single(data.X, p, data.Y, settings), new SolverOptions());
        var problem = prepared.Problems[0]!;
        var x = problem.Design.Values;
        var y = problem.Response;
        // G = XᵀX/n, c = Xᵀy/n, q = c − Gβ by plain loops, at an arbitrary sparse β (non-negative when positive).
        var beta = new double[p];
        for (int j = 0; j < p; j += 7)
            beta[j] = (positive ? 1 : Math.Sin(j)) * 0.3 / (1 + j % 5);
        var c = new double[p];
        var q = new double[p];
        double yy = 0;
        for (int i = 0; i < n; i++)
        {
            yy += y[i] * y[i];
            for (int a = 0; a < p; a++)
                c[a] += x[i * p + a] * y[i] / n;
        }
        for (int a = 0; a < p; a++)
        {
            double g = 0;
            for (int b = 0; b < p; b++)
            {
                double gab = 0;
                for (int i = 0; i < n; i++)
                    gab += x[i * p + a] * x[i * p + b];
                g += gab / n * beta[b];
            }
            q[a] = c[a] - g;
        }
        var ((gramGap, gramObjective), (gap, objective)) = positive
            ? BothForms<NonNegativeElasticNet<double>>(problem, beta, c, q, yy / n)
            : BothForms<ElasticNet<double>>(problem, beta, c, q, yy / n);
        Assert.True(gap > 1e-6 * objective, $"the point is not optimal enough to compare: gap {gap:E2}");
        // Rounding: a few ε of ‖y_c‖²/n, the scale of every term.
        double rounding = 1e-13 * yy / n;
        Assert.True(Math.Abs(gramGap - gap) <= rounding, $"Gram form {gramGap:R} vs design form {gap:R}");
        Assert.True(Math.Abs(gramObjective - objective) <= rounding, $"Gram form {gramObjective:R} vs design form {objective:R}");
    }

    // The gap of the Gram form and of the design form for the penalty TPenalty.
    private static ((double Gap, double Objective) Gram, (double Gap, double Objective) Design) BothForms<TPenalty>(
        PreparedProblem<double> problem, double[] beta, double[] c, double[] q, double responseNorm2OverN)
        where TPenalty : struct, IPenalty<double> =>
        (GramDualityGap.Evaluate<TPenalty, PreparedProblem<double>>(problem, beta, c, q, responseNorm2OverN),
            DualityGap.Evaluate<double, TPenalty>(problem, beta, new double[problem.Design.Samples], new double[problem.Design.Features]));
}
