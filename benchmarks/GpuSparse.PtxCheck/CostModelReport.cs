using System.Globalization;
using System.Text;
using GpuSparse.Backends;
using GpuSparse.Benchmarks;
using GpuSparse.Engines;
using GpuSparse.Kernels.OnChip;
using GpuSparse.Model;
using GpuSparse.PtxCheck.Model;

namespace GpuSparse.PtxCheck;

/// <summary>
/// The roofline cost model of issue 16's targets on an H200, written as Markdown: iteration counts measured on
/// samples of the target workloads (managed FISTA and CD), each kernel design's bytes, flops and dependent
/// latency per problem from the shape, and the resulting time per resource, the binding one, and whether each
/// target is met.
/// </summary>
internal static class CostModelReport
{
    private const int CheckInterval = 10;

    private enum Scenario
    {
        /// <summary>X, y and settings in host memory at the start, results in host memory at the end.</summary>
        HostToHost,

        /// <summary>Inputs already in HBM, results left in HBM.</summary>
        Resident,
    }

    /// <param name="Benchmark">The <c>GpuTarget</c> row of <c>GpuTargetBenchmarks</c> that measures this target, if any.</param>
    private sealed record Target(string Name, Shape Shape, int Problems, Scenario Scenario, double Seconds, string Goal,
        IterationSample Fista, IterationSample CoordinateDescent, string? Benchmark = null);

    /// <summary>The device resources whose peak rates bound a kernel: a share of the binding one is issue 16's "≥ 60 %".</summary>
    private static readonly string[] ThroughputResources = ["HBM", "shared memory", "FP64", "FP32"];

    /// <summary>Issue 16's least share of the binding resource in the iteration kernels.</summary>
    private const double ShareTarget = 0.6;

    private sealed record Estimate(KernelDesign Design, double Iterations, double Launches, Dictionary<string, double> Seconds, double HbmLowerSeconds)
    {
        public (string Resource, double Seconds) Binding => Seconds.MaxBy(r => r.Value) is var b ? (b.Key, b.Value) : default;
    }

    /// <summary>Measures the iteration counts, evaluates the model, writes the report; returns 0.</summary>
    public static int Run(ToolOptions options)
    {
        string report = options.Required("report");
        string shares = options.Optional("shares") ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(report))!, "SHARES.tsv");
        int lassoSample = options.Integer("lasso-sample", 1000);
        int enetSample = options.Integer("enet-sample", 200);

        var lasso = Workload.All.Single(w => w.Name == "K1000_n64_p32") with { K = lassoSample };
        var enet = Workload.All.Single(w => w.Name == "ENet20000_n50_p200") with { K = enetSample };
        var tight = new SolverOptions { Tolerance = 1e-6, CheckInterval = CheckInterval };
        var loose = new SolverOptions { Tolerance = 1e-4, CheckInterval = CheckInterval };
        Console.Error.WriteLine($"model: measuring iterations on {lasso.K} problems of 64 × 32 and {enet.K} elastic nets of 50 × 200");
        using var reference = new ReferenceBackend();
        using var cd = new CoordinateDescentBackend();
        var lassoFista = IterationSample.Measure<double>(lasso, reference, tight);
        var lassoCd = IterationSample.Measure<double>(lasso, cd, tight);
        var enetFista = IterationSample.Measure<float>(enet, reference, loose);
        var enetCd = IterationSample.Measure<float>(enet, cd, loose);
        var sharedFista = IterationSample.MeasureSharedDesign(lasso, reference, tight);
        var sharedCd = IterationSample.MeasureSharedDesign(lasso, cd, tight);
        // the tall sweep: X of 1000 × 32 (256 KB in float64) beyond a group's 48 KB of shared memory
        var tallLasso = lasso with { Name = "Sweep_n1000_p32", N = 1000, K = options.Integer("tall-sample", 200) };
        var tallFista = IterationSample.MeasureSharedDesign(tallLasso, reference, tight);
        var tallCd = IterationSample.MeasureSharedDesign(tallLasso, cd, tight);

        var small = new Shape(64, 32, 8);
        var wide = new Shape(50, 200, 4);
        Target[] targets =
        [
            new("Lasso 64 × 32 float64, gap ≤ 1e-6, host → host", small, 1_000_000, Scenario.HostToHost, 1.0, "≥ 1,000,000 problems/s", lassoFista, lassoCd, "LassoHostToHost"),
            new("Lasso 64 × 32 float64, gap ≤ 1e-6, resident", small, 1_000_000, Scenario.Resident, 0.1, "≥ 10,000,000 problems/s", lassoFista, lassoCd, "LassoResident"),
            new("Elastic net 50 × 200 float32 (λ = 1e-3, l1_ratio 0.5), tol 1e-4, resident", wide, 20_000, Scenario.Resident, 0.020, "≤ 20 ms", enetFista, enetCd, "ElasticNetResident"),
            new("Lasso 64 × 32 float64 on one shared X (the sweep shape; no issue-16 target, the resident goal for scale), gap ≤ 1e-6, resident",
                small with { SharedDesign = true }, 1_000_000, Scenario.Resident, 0.1, "≥ 10,000,000 problems/s", sharedFista, sharedCd),
            new("Lasso 1000 × 32 float64 on one shared X (a tall sweep: X beyond 48 KB; no issue-16 target, a goal for scale), gap ≤ 1e-6, resident",
                new Shape(1000, 32, 8, SharedDesign: true), 100_000, Scenario.Resident, 0.1, "≥ 1,000,000 problems/s", tallFista, tallCd),
        ];
        KernelDesign[] designs =
        [
            new ThreadPerProblemFista(), new WarpGram(coordinateDescent: true), new WarpGram(coordinateDescent: false),
            new BlockResidual(BlockVariant.FistaSharedDesign), new BlockResidual(BlockVariant.FistaRegisterDesign),
            new BlockResidual(BlockVariant.CoordinateDescent), new SharedGroupGram(DesignPlacement.SharedMemory),
            new SharedGroupGram(DesignPlacement.GlobalMemory), new SharedDesignTiled(),
        ];

        var text = new StringBuilder();
        Header(text);
        Samples(text, [lassoFista, lassoCd, enetFista, enetCd, sharedFista, sharedCd, tallFista, tallCd],
            [tight.Tolerance, tight.Tolerance, loose.Tolerance, loose.Tolerance, tight.Tolerance, tight.Tolerance, tight.Tolerance, tight.Tolerance]);
        PerProblem(text, designs, [.. targets.Select(t => t.Shape).Distinct()]);
        var verdicts = new List<string>();
        foreach (var target in targets)
            verdicts.Add(Evaluate(text, target, designs));
        verdicts.Add(ResidentCall(text, new WarpGram(coordinateDescent: true)));
        verdicts.Add(BindingShares(text, targets, designs, shares));
        text.AppendLine("## Verdict");
        text.AppendLine();
        foreach (var verdict in verdicts)
            text.AppendLine($"- {verdict}");
        File.WriteAllText(report, text.ToString());
        foreach (var verdict in verdicts)
            Console.WriteLine(verdict);
        return 0;
    }

    private static void Header(StringBuilder text)
    {
        text.AppendLine("# Cost model: issue 16's targets on an H200");
        text.AppendLine();
        text.AppendLine($"Computed by `dotnet run --project benchmarks/GpuSparse.PtxCheck -c Release -- model --report benchmarks/gpu/MODEL.md` " +
            $"on {DateTime.UtcNow:yyyy-MM-dd} (the formulas, one comment each, are in `benchmarks/GpuSparse.PtxCheck/Model/KernelDesigns.cs`; " +
            "nothing here is typed by hand). A roofline: each resource's time is its total demand over its peak rate, the kernel " +
            "takes at least the largest (the binding resource), and reaching a target needs the binding resource at the fraction " +
            "shown. Iterations are the mean of the measured sample where a problem owns its warp or block (a finished problem frees it, " +
            "so a batch's work is the sum), and the mean over groups of 32 of the largest where a warp's threads solve 32 problems in " +
            "step (the warp runs as long as its slowest); counts are rounded up to the check interval by the solvers' own counting.");
        text.AppendLine();
        text.AppendLine("| assumption | value |");
        text.AppendLine("|---|---|");
        text.AppendLine($"| HBM3e bandwidth | {H200.HbmBytesPerSecond / 1e12:0.0} TB/s |");
        text.AppendLine($"| FP64 / FP32 peak (FMA = 2 flops) | {H200.Fp64FlopsPerSecond / 1e12:0} / {H200.Fp32FlopsPerSecond / 1e12:0} TFLOP/s |");
        text.AppendLine($"| shared memory, aggregate | {H200.SharedBytesPerSecond / 1e12:0} TB/s ({H200.Multiprocessors} SMs × 128 B/clock × {H200.ClockHz / 1e9:0.00} GHz), counted in 128-byte wavefronts: a warp-wide load of 32 floats or a broadcast is one, 32 doubles two; a shuffle counts as one; " +
            "bank conflicts counted from the addresses (`SharedMemoryBanks`) where a kernel's lanes read with a stride: the Gram kernels' packed G, the block kernel's thread-per-row passes |");
        text.AppendLine("| a shared X read from global memory (the shared-design kernel where X does not fit 48 KB with G) | its L1 hits counted as " +
            "shared-memory wavefronts (L1 and shared memory are one SRAM, 128 B/clock); the lines each group brings in counted as HBM bytes, " +
            "an upper bound: a shared X stays in the 50 MB L2, whose bandwidth (several times HBM's, not published for the H200) the model does not assume |");
        text.AppendLine($"| SMs, clock | {H200.Multiprocessors}, {H200.ClockHz / 1e9:0.00} GHz; 228 KB shared memory and 64 warp slots per SM |");
        text.AppendLine($"| PCIe 5.0 ×16 | {H200.HostLinkBytesPerSecond / 1e9:0} GB/s each way, page-locked buffers |");
        text.AppendLine($"| host staging copy (caller's arrays ↔ page-locked buffers) | {HostCosts.StagingBytesPerSecond / 1e9:0} GB/s: " +
            $"{HostCosts.StagingCores(HostCosts.StagingBytesPerSecond)} cores at the {HostCosts.PerCoreStagingBytesPerSecond / 1e9:0.0} GB/s " +
            "one core copies (`StagingBenchmarks.StagingCopy`, one thread, development VM, memory-bandwidth bound there; the copy runs on every core in ranges of ≥ 1 MiB); " +
            "none when the caller's memory is page-locked in place |");
        text.AppendLine($"| host staging on `main` before this work (issue 16, measured) | {HostCosts.TodayScatterProblemsPerSecond:N0} problems/s of 64 × 32 (the element-wise scatter and a power iteration per problem for the step, benchmarks/RESULTS.md): K = 1,000,000 would take {1e6 / HostCosts.TodayScatterProblemsPerSecond:0} s; the bulk copies modelled here replace it |");
        text.AppendLine($"| dependent latency (cycles) | FMA {Latency.Fma64} (f64) / {Latency.Fma32} (f32), shuffle or shared load {Latency.Exchange}, barrier {Latency.Barrier}, coordinate update {Latency.CoordinateUpdate}, FISTA bookkeeping {Latency.FistaStep}, warp reduction {Latency.WarpReduction}, block reduction {Latency.BlockReduction}, a coordinate's gap terms {Latency.GapTerm} a pass, the gap's sums over a warp and its formula {Latency.GapCombination} |");
        text.AppendLine($"| latency resource | a problem's dependent cycles overlap only with other problems': time = Σ cycles / ({H200.Multiprocessors} SMs × problems resident per SM × clock) |");
        text.AppendLine($"| gap checks | every {CheckInterval} iterations and at iteration 0 |");
        text.AppendLine("| overlap | host → host: chunks pipelined on streams, so upload, solve and download overlap and the slowest stage binds |");
        text.AppendLine();
    }

    private static void Samples(StringBuilder text, IterationSample[] samples, double[] tolerances)
    {
        text.AppendLine("## Iterations measured on the managed paths");
        text.AppendLine();
        text.AppendLine("FISTA steps on the reference path (`ReferenceBackend`), CD sweeps on `CoordinateDescentBackend` (the same sweeps a device CD makes), " +
            "the workloads' first problems from the portable generator (`benchmarks/GpuSparse.Benchmarks/Workload.cs`), " +
            "scikit-learn's stopping rule (gap ≤ tol·‖y − ȳ‖²/n).");
        text.AppendLine();
        text.AppendLine("| workload | sample | path | tol | median | p90 | mean | max | warp max (mean over groups of 32) | converged | wall (this machine) |");
        text.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int i = 0; i < samples.Length; i++)
        {
            var s = samples[i];
            text.AppendLine($"| {s.Workload.Name} ({s.Workload.N} × {s.Workload.P}) | {s.Workload.K} | {s.Backend} | {tolerances[i]:0e0} | " +
                $"{s.Quantile(0.5)} | {s.Quantile(0.9)} | {s.Mean:0.0} | {s.Max} | {s.WarpMaxMean:0.0} | {s.Converged}/{s.Iterations.Length} | {s.Seconds:0.0} s |");
        }
        text.AppendLine();
    }

    private static void PerProblem(StringBuilder text, KernelDesign[] designs, Shape[] shapes)
    {
        text.AppendLine("## Cost per problem");
        text.AppendLine();
        text.AppendLine("Bytes and flops of one problem, by kernel design and shape. Per launch: reading the data, forming G (Gram designs), the step " +
            "(FISTA), writing results (paid once per launch a problem takes part in). Where the catalog has the kernel its formulas give " +
            "the bytes and flops, the model's give the rest (latency, shared memory outside the iterations). Today's HBM per iteration counts every generic load/store (upper " +
            "bound, no cache hits); the compulsory figure (X twice, each vector once) is its lower bound.");
        text.AppendLine();
        text.AppendLine("| design | shape | bytes and flops from | per iteration: HBM | shared | flops | per check: HBM | shared | flops (f64) | per launch: HBM | shared | flops | host in / out | problems/SM |");
        text.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var shape in shapes)
            foreach (var design in designs.Where(d => d.Serves(shape)))
            {
                var it = design.Iteration(shape);
                var check = design.Check(shape);
                var solve = design.Solve(shape);
                string hbm = design.CompulsoryIterationHbm(shape) is { } lower ? $"{Bytes(it.HbmBytes)} ({Bytes(lower)} compulsory)" : Bytes(it.HbmBytes);
                text.AppendLine($"| {design.Name} | {shape} | {design.Source(shape)} | {hbm} | {Bytes(it.SharedBytes)} | {Count(it.Flops64 + it.Flops32)} | " +
                    $"{Bytes(check.HbmBytes)} | {Bytes(check.SharedBytes)} | {Count(check.Flops64)} | {Bytes(solve.HbmBytes)} | {Bytes(solve.SharedBytes)} | " +
                    $"{Count(solve.Flops64 + solve.Flops32)} | {Bytes(design.HostIn(shape))} / {Bytes(design.HostOut(shape))} | {design.ProblemsPerSm(shape):0} |");
            }
        text.AppendLine();
    }

    /// <summary>Writes one target's table; returns its verdict line.</summary>
    private static string Evaluate(StringBuilder text, Target target, KernelDesign[] designs)
    {
        var shape = target.Shape;
        text.AppendLine($"## {target.Name}: K = {target.Problems:N0}, target {target.Goal} ({Time(target.Seconds)})");
        text.AppendLine();
        var estimates = designs.Where(d => d.Serves(shape)).Select(d => Model(target, d)).ToList();
        string[] resources = [.. estimates.SelectMany(e => e.Seconds.Keys).Distinct()];
        text.AppendLine($"| design | iterations (mean) | launches (mean) | {string.Join(" | ", resources)} | roofline | problems/s | met | binding | needed share of binding |");
        text.AppendLine($"|---|---:|---:|{string.Concat(resources.Select(_ => "---:|"))}---:|---:|---|---|---:|");
        foreach (var e in estimates)
        {
            var (resource, seconds) = e.Binding;
            string cells = string.Join(" | ", resources.Select(r => e.Seconds.TryGetValue(r, out var t)
                ? (r == "HBM" && e.HbmLowerSeconds < t ? $"{Time(t)} ({Time(e.HbmLowerSeconds)} compulsory)" : Time(t)) : "–"));
            bool met = seconds <= target.Seconds;
            text.AppendLine($"| {e.Design.Name} | {e.Iterations:0.0} ({e.Design.Algorithm}) | {e.Launches:0.00} | {cells} | {Time(seconds)} | {target.Problems / seconds:N0} | " +
                $"{(met ? "yes" : "**no**")} | {resource} | {(met ? $"{seconds / target.Seconds:P0}" : "> 100 %")} |");
        }
        text.AppendLine();
        var best = estimates.Where(e => e.Design is not ThreadPerProblemFista).MinBy(e => e.Binding.Seconds)!;
        var built = Built(estimates, shape);
        var today = estimates.Single(e => e.Design is ThreadPerProblemFista);
        if (built is not null)
            text.AppendLine(LatencySplit(built, shape)).AppendLine();
        if (target.Scenario == Scenario.HostToHost)
        {
            double linkBytes = target.Problems * (best.Design.HostIn(shape) + best.Design.HostOut(shape));
            text.AppendLine($"Host → host moves {Bytes(linkBytes)} over PCIe ({Time(linkBytes / H200.HostLinkBytesPerSecond)} at " +
                $"{H200.HostLinkBytesPerSecond / 1e9:0} GB/s); the target needs the host staging copy at ≥ {linkBytes / target.Seconds / 1e9:0.0} GB/s " +
                "(validation fused into the same pass), or none: with the caller's arrays page-locked in place only PCIe binds. " +
                $"At the {HostCosts.PerCoreStagingBytesPerSecond / 1e9:0.0} GB/s one core copies (`StagingBenchmarks.StagingCopy`, " +
                $"development VM) one thread would take {Time(linkBytes / HostCosts.PerCoreStagingBytesPerSecond)}: " +
                $"{(linkBytes / HostCosts.PerCoreStagingBytesPerSecond <= target.Seconds ? "met" : "**not met**")} on one core; " +
                $"the GPU host needs {HostCosts.StagingCores(linkBytes / target.Seconds)} cores copying at that rate (the staging copy " +
                "runs on every core, `DeviceBatch.StagingThreads`), and host memory bandwidth to match.");
            text.AppendLine();
        }
        string Describe(Estimate e) => $"{e.Design.Name} at {Time(e.Binding.Seconds)} ({target.Problems / e.Binding.Seconds:N0} problems/s, " +
            $"bound by {e.Binding.Resource}, {e.Binding.Seconds / target.Seconds:P0} of the target time" +
            (e.HbmLowerSeconds < e.Seconds["HBM"] ? $"; HBM at its compulsory bytes {Time(e.HbmLowerSeconds)}" : "") + ")";
        string verdict = $"{target.Name}: " + (built is null
            ? "no kernel of the catalog serves this shape beyond today's; "
            : $"the catalog's kernels: {(built.Binding.Seconds <= target.Seconds ? "met" : "NOT met")} by {Describe(built)}; ") +
            (built is null || best != built ? $"best modelled: {(best.Binding.Seconds <= target.Seconds ? "met" : "NOT met")} by {Describe(best)}; " : "") +
            $"today's thread-per-problem kernels: {Time(today.Binding.Seconds)}, bound by {today.Binding.Resource}.";
        text.AppendLine(verdict);
        text.AppendLine();
        return verdict;
    }

    /// <summary>The catalog's fastest design for the shape beyond today's thread-per-problem kernels: what <c>DeviceEngine.Auto</c> runs.</summary>
    private static Estimate? Built(IEnumerable<Estimate> estimates, Shape shape) =>
        estimates.Where(e => e.Design is not ThreadPerProblemFista && e.Design.Implementations(shape).Count > 0).MinBy(e => e.Binding.Seconds);

    /// <summary>
    /// Issue 16's "≥ 60 % of the binding resource in the iteration kernels" for the kernel each resident target runs:
    /// the share lies between the bounds of full overlap (roofline) and none; writes the table and
    /// <paramref name="sharesPath"/> (what run.sh divides by the measured kernel time); returns the verdict.
    /// </summary>
    private static string BindingShares(StringBuilder text, Target[] targets, KernelDesign[] designs, string sharesPath)
    {
        text.AppendLine($"## Share of the binding resource in the iteration kernels (issue 16: ≥ {ShareTarget:P0})");
        text.AppendLine();
        text.AppendLine("For each resident target, the kernel the engine runs (the catalog's fastest, as above): its whole device work per call " +
            "(reading the data and forming G at each launch, the iterations, the gap checks; no host link) as time at each resource's peak, " +
            "and the share of its peak it sustains at the roofline time (cells: time, share). The binding resource is the throughput " +
            "resource (HBM, shared memory, FP64, FP32) with the largest time. The share the kernel reaches on a GPU lies between two " +
            "bounds: every resource and the dependent latency overlap (the roofline: binding time over max(binding, latency)) or none do " +
            "(binding time over the sum of all the times). Host → host runs the resident Lasso's kernel; its call is bound by host " +
            "staging (above), not by the kernel. On a GPU, `benchmarks/gpu/run.sh` divides the binding time of `SHARES.tsv` (written " +
            "with this file, per problem) by the kernels' measured time (`ResidentSession.MeasureKernelTime`: profiling markers " +
            "around the call's launches) for the measured share.");
        text.AppendLine();
        text.AppendLine($"| target | kernel | {string.Join(" | ", ThroughputResources)} | latency | binding | share, all overlap | share, none overlap | ≥ {ShareTarget:P0} |");
        text.AppendLine($"|---|---|{string.Concat(ThroughputResources.Select(_ => "---:|"))}---:|---|---:|---:|---|");
        var tsv = new StringBuilder("# written by `model` with benchmarks/gpu/MODEL.md: per target, the kernel's demand on its binding resource at the H200's peak\n");
        tsv.AppendLine("benchmark\tkernel\tbinding\tbinding_seconds_per_problem\troofline_seconds_per_problem\tno_overlap_seconds_per_problem");
        var verdicts = new List<string>();
        foreach (var target in targets.Where(t => t.Scenario == Scenario.Resident))
        {
            if (Built(designs.Where(d => d.Serves(target.Shape)).Select(d => Model(target, d)), target.Shape) is not { } e)
                continue;
            // a resident estimate has every throughput resource and the latency (Model)
            var (binding, bindingSeconds) = ThroughputResources.Select(r => (r, e.Seconds[r])).MaxBy(r => r.Item2);
            double latency = e.Seconds["latency"], roofline = Math.Max(bindingSeconds, latency);
            double none = ThroughputResources.Sum(r => e.Seconds[r]) + latency;
            double high = bindingSeconds / roofline, low = bindingSeconds / none;
            string cells = string.Join(" | ", ThroughputResources.Select(r => $"{Time(e.Seconds[r])} ({e.Seconds[r] / roofline:P0})"));
            string met = low >= ShareTarget ? "yes, on both bounds" : high >= ShareTarget
                ? $"if it runs within {Time(bindingSeconds / ShareTarget)} (with no overlap it takes {Time(none)})" : "**no**";
            text.AppendLine($"| {target.Name} | {e.Design.Name} | {cells} | {Time(latency)} | {binding} | {high:P0} | {low:P0} | {met} |");
            verdicts.Add($"{Short(target.Name)}: {e.Design.Name}, {binding} {low:P0}–{high:P0}");
            if (target.Benchmark is { } name)
                tsv.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name}\t{e.Design.Name}\t{binding}\t{bindingSeconds / target.Problems:E4}\t{roofline / target.Problems:E4}\t{none / target.Problems:E4}"));
        }
        text.AppendLine();
        File.WriteAllText(sharesPath, tsv.ToString());
        string verdict = $"Share of the binding resource in the iteration kernels (≥ {ShareTarget:P0}; no overlap – full overlap): " + string.Join("; ", verdicts) + ".";
        text.AppendLine(verdict);
        text.AppendLine();
        return verdict;
    }

    // A target's name up to its first comma or parenthesis: the problem, shape and precision.
    private static string Short(string name) => name[..name.IndexOfAny([',', '('])].TrimEnd();

    private static Estimate Model(Target target, KernelDesign design)
    {
        var shape = target.Shape;
        var sample = design.Algorithm == "CD" ? target.CoordinateDescent : target.Fista;
        double iterations = design.ProblemsInStep ? sample.WarpMaxMean : sample.Mean;
        double launches = sample.Iterations.Average(i => design.Launches(i, CheckInterval));
        double k = target.Problems;
        var work = k * design.Total(shape, iterations, launches, CheckInterval);
        var seconds = new Dictionary<string, double>
        {
            ["HBM"] = work.HbmBytes / H200.HbmBytesPerSecond,
            ["shared memory"] = work.SharedBytes / H200.SharedBytesPerSecond,
            ["FP64"] = work.Flops64 / H200.Fp64FlopsPerSecond,
            ["FP32"] = work.Flops32 / H200.Fp32FlopsPerSecond,
            ["latency"] = work.ChainCycles / (H200.Multiprocessors * design.ProblemsPerSm(shape) * H200.ClockHz),
        };
        if (target.Scenario == Scenario.HostToHost)
        {
            double linkBytes = k * (design.HostIn(shape) + design.HostOut(shape));
            seconds["PCIe"] = linkBytes / H200.HostLinkBytesPerSecond;
            seconds["host staging"] = linkBytes / HostCosts.StagingBytesPerSecond;
        }
        // the lower bound: compulsory iteration bytes, the checks' and launches' as counted
        double hbmLower = design.CompulsoryIterationHbm(shape) is { } lower
            ? k * (iterations * lower + (Math.Ceiling(iterations / CheckInterval) + 1) * design.Check(shape).HbmBytes
                + launches * design.Solve(shape).HbmBytes) / H200.HbmBytesPerSecond
            : seconds["HBM"];
        return new Estimate(design, iterations, launches, seconds, hbmLower);
    }

    /// <summary>Where a design's dependent latency per problem goes: its iterations, its gap checks and its launches (as <see cref="KernelDesign.Total"/> counts them).</summary>
    private static string LatencySplit(Estimate e, Shape shape)
    {
        double checks = Math.Ceiling(e.Iterations / CheckInterval) + 1;
        double iteration = e.Design.Iteration(shape).ChainCycles, check = e.Design.Check(shape).ChainCycles;
        double total = e.Design.Total(shape, e.Iterations, e.Launches, CheckInterval).ChainCycles;
        return $"Dependent latency of {e.Design.Name}, per problem: {total:N0} cycles; iterations {e.Iterations * iteration / total:P0} " +
            $"({iteration:N0} cycles each), gap checks {checks * check / total:P0} ({checks:0} checks of {check:N0} cycles), " +
            $"launches {(total - e.Iterations * iteration - checks * check) / total:P0}.";
    }

    /// <summary>
    /// The warm resident-session call of K = 1,000 problems of 16 × 8 on one shared design (the benchmark's) with the
    /// copies, launches and waits <see cref="ResidentSession{T}"/> makes (<see cref="ResidentCallCopies"/>); returns its verdict.
    /// </summary>
    private static string ResidentCall(StringBuilder text, KernelDesign design)
    {
        const int problems = 1000;
        var shape = new Shape(16, 8, 8);
        text.AppendLine($"## Resident session, K = {problems:N0} problems of {shape}, shared design, warm call: target ≤ 50 µs host overhead");
        text.AppendLine();
        text.AppendLine("The shape and warm start of `ResidentSessionBenchmarks`: every problem converges at its first check. The call moves only y, λ " +
            "and l1_ratio in and β, b₀, gaps, iterations and statuses out (warm starts and penalty weights stay on the device), with the copies, " +
            "launches and waits `ResidentSession` makes (`ResidentCallCopies`): one packed upload; one launch, whose kernel expands each problem's " +
            "penalty weights and start at its first check and carries its returned iterate into the next start when it finishes; one packed " +
            "download of the results with the finished count; one wait. A call whose problems need more launches reads the count after each " +
            "(4 bytes, a wait each) and downloads the results once more.");
        text.AppendLine();
        double inBytes = problems * (shape.N * shape.S + 16);
        double outBytes = problems * design.HostOut(shape);
        int uploads = ResidentCallCopies.Uploads, launches = ResidentCallCopies.Launches, downloads = ResidentCallCopies.Downloads;
        int waits = ResidentCallCopies.Synchronizations;
        static string Plural(int count, string noun) => $"{count} {noun}{(count > 1 ? noun.EndsWith('h') ? "es" : "s" : "")}";
        (string Part, double Seconds)[] parts =
        [
            ("validate y, λ, l1_ratio, centre y and pack them (one thread, measured on the development VM)", problems * HostCosts.ResidentStageSecondsPerProblem),
            ($"enqueue {Plural(uploads, "upload")}", uploads * HostCosts.CopySeconds),
            ($"PCIe up, {Bytes(inBytes)}", inBytes / H200.HostLinkBytesPerSecond),
            ($"enqueue {Plural(launches, "launch")} (start expansion, solve with its checks, carry: on the device)", launches * HostCosts.LaunchSeconds),
            ($"enqueue {Plural(downloads, "download")}", downloads * HostCosts.CopySeconds),
            ($"PCIe down, {Bytes(outBytes)}", outBytes / H200.HostLinkBytesPerSecond),
            (waits == 1 ? "synchronise once" : $"synchronise {waits} times", waits * HostCosts.SynchronizeSeconds),
            ("unpack results into the caller's arrays (one thread, measured on the development VM)", problems * HostCosts.ResidentUnpackSecondsPerProblem),
        ];
        // Device work of the call: c = Xᵀy/n on the resident G's design, one gap check (warm start), the final certificate.
        var device = problems * (Work.Hbm(shape.N * shape.P * shape.S / problems + shape.N * shape.S) + Work.Flops(2 * shape.N * shape.P, 8)
            + design.Iteration(shape) + design.Check(shape));
        double deviceSeconds = Math.Max(device.HbmBytes / H200.HbmBytesPerSecond, device.Flops64 / H200.Fp64FlopsPerSecond)
            + design.Check(shape).ChainCycles / H200.ClockHz;
        text.AppendLine("| part of the call | `ResidentSession` |");
        text.AppendLine("|---|---:|");
        foreach (var (part, seconds) in parts)
            text.AppendLine($"| {part} | {Time(seconds)} |");
        double total = parts.Sum(p => p.Seconds);
        text.AppendLine($"| **host overhead** | **{Time(total)}** |");
        text.AppendLine($"| device work (not overhead: one sweep and one check per problem, all problems in parallel) | {Time(deviceSeconds)} |");
        text.AppendLine();
        double fixedLatencies = (uploads + downloads) * HostCosts.CopySeconds + launches * HostCosts.LaunchSeconds + waits * HostCosts.SynchronizeSeconds;
        string verdict = $"Resident session K = 1,000 warm call: {(total <= 50e-6 ? "met" : "NOT met")} at {Time(total)} host overhead " +
            $"with {Plural(uploads, "packed upload")}, {Plural(launches, "launch")}, {Plural(downloads, "packed download")} and " +
            $"{(waits == 1 ? "one synchronisation" : $"{waits} synchronisations")}, as `ResidentSession` makes it (fixed latencies {Time(fixedLatencies)}, assumed until `DeviceLatencyBenchmarks` measures them on a GPU; " +
            $"the rest is the one-thread packing and unpacking and the link){Binding()}.";
        // what a miss needs: the host side (staging and unpacking) within what the fixed latencies and the link leave
        string Binding()
        {
            double hostSide = parts[0].Seconds + parts[^1].Seconds, room = 50e-6 - (total - hostSide);
            return total <= 50e-6 ? "" : $"; bound by the host side's staging and unpacking, {Time(hostSide)} on one thread of the " +
                $"development VM: the target needs them within {Time(room)}, {hostSide / room:0.0}× faster";
        }
        text.AppendLine(verdict);
        text.AppendLine();
        return verdict;
    }

    private static string Bytes(double bytes) => bytes switch
    {
        >= 1e9 => $"{bytes / 1e9:0.0} GB",
        >= 1e6 => $"{bytes / 1e6:0.0} MB",
        >= 1e3 => $"{bytes / 1e3:0.0} KB",
        _ => $"{bytes:0} B",
    };

    private static string Count(double flops) => flops switch
    {
        >= 1e6 => $"{flops / 1e6:0.00} M",
        >= 1e3 => $"{flops / 1e3:0.0} k",
        _ => $"{flops:0}",
    };

    private static string Time(double seconds) => seconds switch
    {
        >= 1 => $"{seconds:0.00} s",
        >= 1e-3 => $"{seconds * 1e3:0.0} ms",
        _ => $"{seconds * 1e6:0.0} µs",
    };
}
