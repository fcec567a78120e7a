namespace GpuSparse.Solvers;

/// <summary>The iteration used to minimise each problem.</summary>
public enum SolverAlgorithm
{
    /// <summary>Proximal gradient (ISTA): <c>β ← prox(β − t·∇f(β))</c> with <c>t = 1/L</c>.</summary>
    Ista,

    /// <summary>
    /// Accelerated proximal gradient (FISTA, Beck and Teboulle 2009) with the gradient-based adaptive
    /// restart of O'Donoghue and Candès (2015): momentum is reset whenever it points uphill.
    /// </summary>
    Fista,
}
