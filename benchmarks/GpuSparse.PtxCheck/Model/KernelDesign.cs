using GpuSparse.Kernels;

namespace GpuSparse.PtxCheck.Model;

/// <summary>
/// One device kernel design and its cost per problem, as functions of the shape: the one-off work of a solve
/// (preparation, final certificate), the work of one iteration (a FISTA step or a CD sweep) and of one gap
/// check, the bytes over the host link, and how many problems an SM runs at once (which hides dependent latency).
/// </summary>
/// <remarks>
/// Shared-memory traffic is counted in wavefronts of 128 bytes (an SM serves one per clock): a warp-wide load
/// of 32 distinct floats, or a broadcast of one value to the whole warp, is one wavefront; 32 distinct doubles
/// are two. A warp shuffle is counted as one wavefront too (it uses the same crossbar at one per clock).
/// </remarks>
internal abstract class KernelDesign
{
    /// <summary>Bytes of one shared-memory wavefront.</summary>
    protected const double Wavefront = 128;

    /// <summary>Bytes of the settings uploaded per problem: λ and l1_ratio as float64.</summary>
    protected const double SettingsBytes = 16;

    /// <summary>Bytes of the per-problem results besides β: b₀ and the gap (float64), iterations and status (int32).</summary>
    protected const double ResultBytes = 8 + 8 + 4 + 4;

    /// <summary>A short name for tables.</summary>
    public abstract string Name { get; }

    /// <summary>The algorithm: FISTA (iteration = one proximal-gradient step) or CD (iteration = one sweep over the p coordinates).</summary>
    public abstract string Algorithm { get; }

    /// <summary>Whether the design can run this shape at all.</summary>
    public abstract bool Serves(Shape shape);

    /// <summary>
    /// The catalog kernels that implement this design for <paramref name="shape"/>; when there are any, their
    /// byte and flop formulas (<see cref="KernelCostModel"/>) replace the model's own, and only the dependent
    /// latency comes from the model.
    /// </summary>
    public IReadOnlyList<KernelEntry> Implementations(Shape shape) => [.. KernelCatalog.All.Where(e => Implements(e, shape))];

    /// <summary>Whether catalog entry <paramref name="entry"/> is one of this design's kernels for <paramref name="shape"/>.</summary>
    protected abstract bool Implements(KernelEntry entry, Shape shape);

    /// <summary>Where the bytes and flops come from: the catalog's formulas or the model's.</summary>
    public string Source(Shape shape) => Implementations(shape).Count > 0
        ? "catalog (" + string.Join(", ", Implementations(shape).Select(e => $"`{e.Name}`")) + ")"
        : "model (no catalog kernel yet)";

    /// <summary>Work of one problem done once per launch (reading the data, forming G, writing results).</summary>
    public Work Solve(Shape s) => FromCatalog(s, c => Work.Hbm(c.HbmBytesOnce) + Work.Flops(c.FlopsOnce, s.ScalarBytes), ModelSolve(s), keepShared: true);

    /// <summary>Work of one problem per iteration.</summary>
    public Work Iteration(Shape s) => FromCatalog(s, c => Work.Hbm(c.HbmBytesPerIteration) + Work.Shared(c.SharedBytesPerIteration)
        + Work.Flops(c.FlopsPerIteration, s.ScalarBytes), ModelIteration(s), keepShared: false);

    /// <summary>Work of one problem per duality-gap check (float64 flops).</summary>
    public Work Check(Shape s) => FromCatalog(s, c => Work.Hbm(c.HbmBytesPerCheck) + Work.Flops(c.FlopsPerCheck, 8), ModelCheck(s), keepShared: true);

    /// <summary>
    /// Kernel launches a problem of <paramref name="iterations"/> iterations takes part in: 1 for a kernel that
    /// keeps its problems to the end; more where each launch covers a window of iterations and a resumed problem
    /// reloads its data (the per-launch work of <see cref="Solve"/> is then paid again).
    /// </summary>
    public virtual int Launches(int iterations, int checkInterval) => 1;

    /// <summary>The model's own formulas for <see cref="Solve"/>.</summary>
    protected abstract Work ModelSolve(Shape s);

    /// <summary>The model's own formulas for <see cref="Iteration"/>.</summary>
    protected abstract Work ModelIteration(Shape s);

    /// <summary>The model's own formulas for <see cref="Check"/>.</summary>
    protected abstract Work ModelCheck(Shape s);

    // The catalog's bytes and flops replace the model's; what the catalog does not give (dependent latency, and
    // shared-memory bytes outside the iterations when keepShared) stays the model's.
    private Work FromCatalog(Shape s, Func<KernelCost, Work> part, Work model, bool keepShared)
    {
        var kernels = Implementations(s);
        if (kernels.Count == 0)
            return model;
        var sum = Work.Chain(model.ChainCycles) + (keepShared ? Work.Shared(model.SharedBytes) : default);
        foreach (var kernel in kernels)
            sum += part(KernelCostModel.For(kernel, s.Samples, s.Features, s.ScalarBytes));
        return sum;
    }

    /// <summary>
    /// True when the 32 threads of a warp solve 32 different problems in step, so a warp iterates as long as the
    /// slowest of them (the model then counts <see cref="IterationSample.WarpMaxMean"/> iterations, not the mean).
    /// </summary>
    public virtual bool ProblemsInStep => false;

    /// <summary>
    /// The compulsory HBM bytes of one iteration when <see cref="Iteration"/> counts every global access as HBM
    /// traffic (catalog formulas of kernels that keep vectors in global memory): the lower bound beside that upper
    /// one; null where the two coincide.
    /// </summary>
    public virtual double? CompulsoryIterationHbm(Shape s) => null;

    /// <summary>Problems resident on one SM at once.</summary>
    public abstract double ProblemsPerSm(Shape shape);

    /// <summary>
    /// Bytes per problem over PCIe, host to device, when the caller's data are copied as laid out: X, y and the
    /// settings (the default for the new designs; today's path differs).
    /// </summary>
    public virtual double HostIn(Shape s) => s.N * s.P * s.S + s.N * s.S + SettingsBytes;

    /// <summary>Bytes per problem over PCIe, device to host: β in the working precision and <see cref="ResultBytes"/>.</summary>
    public virtual double HostOut(Shape s) => s.P * s.S + ResultBytes;

    /// <summary>Bytes per problem over PCIe in a warm resident-session call: y and the settings in, results out.</summary>
    public double ResidentCallBytes(Shape s) => s.N * s.S + SettingsBytes + HostOut(s);

    /// <summary>
    /// The whole solve of one problem with <paramref name="iterations"/> iterations, a check every
    /// <paramref name="checkInterval"/> (and at iteration 0), over <paramref name="launches"/> launches.
    /// </summary>
    public Work Total(Shape shape, double iterations, double launches, int checkInterval) =>
        launches * Solve(shape) + iterations * Iteration(shape) + (Math.Ceiling(iterations / checkInterval) + 1) * Check(shape);

    /// <summary>
    /// Launches of an on-chip kernel whose launches cover windows of 1, 2, 4, … up to 64 check intervals: a problem
    /// finishing at iteration I is in every launch that starts before I.
    /// </summary>
    protected static int DoublingWindows(int iterations, int checkInterval)
    {
        int launches = 1;
        long end = checkInterval, intervals = 1;
        while (end < iterations)
        {
            launches++;
            intervals = Math.Min(2 * intervals, 64);
            end += intervals * checkInterval;
        }
        return launches;
    }

    /// <summary>⌈v⌉, for whole wavefronts and warps.</summary>
    protected static double Up(double v) => Math.Ceiling(v);
}
