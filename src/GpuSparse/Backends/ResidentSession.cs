using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using GpuSparse.Engines;
using GpuSparse.Model;
using GpuSparse.Preparation;

namespace GpuSparse.Backends;

/// <summary>
/// The copies, launches and waits of a warm <see cref="ResidentSession{T}.Solve"/> without explicit starts in which every
/// problem finishes in the first solve launch (the steady state of a simulation): one packed upload, one launch that
/// expands the starts, solves and carries the starts, and one packed download of the results with the finished count,
/// waited for once. A call that needs more launches reads the finished count after each of them (4 bytes, a wait each)
/// and downloads its results once more at the end.
/// </summary>
internal static class ResidentCallCopies
{
    /// <summary>Host-to-device copies: the statuses, the finished count, λ, r, the certificate scales and y, packed.</summary>
    public const int Uploads = 1;

    /// <summary>Device-to-host copies: the gaps, the returned iterates, the finishing iterations, the statuses and the finished count, packed.</summary>
    public const int Downloads = 1;

    /// <summary>Kernel launches: the solve, which expands each problem's start at its first check and carries it when it finishes.</summary>
    public const int Launches = 1;

    /// <summary>Waits for the device: one, after the download.</summary>
    public const int Synchronizations = 1;
}

/// <summary>
/// A device-resident batch for simulation workloads: K problems whose designs (one shared X, or K designs of
/// equal shape) and structural options are fixed, solved again and again with new responses and penalties.
/// The designs are validated, prepared (centred, scaled, L computed) and uploaded once; each
/// <see cref="Solve"/> uploads only y, λ and r (and the two certificate scales of y) per problem, expands the
/// penalty weights and keeps the starts on the device, reuses every device buffer, and writes into caller-owned
/// buffers, so that steady-state calls allocate no managed memory of their own. The per-call inputs go up in one packed
/// copy, the solve kernel itself expands the weights and carries the starts, and the results come down in one copy with
/// the finished count (<see cref="ResidentCallCopies"/>).
/// </summary>
/// <remarks>
/// A call's results are those of <see cref="IlgpuBackend.Solve{T}"/> on the same problems (with
/// <see cref="ProblemSettings.WarmStart"/> set to the start used) to the last bit. By default each problem
/// starts from its previous solution, which is close when a simulation step changes little. Penalty factors
/// are all 1, and λ must be positive: λ = 0 leaves the features unpenalised, which changes the prepared
/// design (use <see cref="IlgpuBackend.Solve{T}"/> for that). A call validates and stages its problems, and unpacks
/// their results, in contiguous ranges on up to <see cref="StagingThreads"/> cores once they exceed 1 MiB a range (large
/// K), on the calling thread otherwise; results do not depend on it. Not thread-safe: one call at a time.
/// </remarks>
/// <typeparam name="T">float or double.</typeparam>
public sealed class ResidentSession<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly DeviceBatch<T> _device;
    private readonly PreparedDesign<T>[] _designs;
    private readonly ResidentOptions _structure;
    private readonly double[] _means;
    private readonly ValidationFailure?[] _failures;
    // the range bodies of a call's staging and unpacking, made once (a warm call allocates no delegate), and the
    // caller's buffers they read and write, pinned for the step (default between steps)
    private readonly Action<int, int> _stageRange, _unpackRange;
    // the problems unpacked at once on a shared design, and its column scales repeated for them (per-problem designs: one
    // problem at a time on its own scales)
    private readonly int _chunkProblems;
    private readonly double[] _chunkScales;
    private StagingInputs _inputs;
    private ResultBuffers _results;

    private ResidentSession(IlgpuBackend backend, PreparedDesign<T>[] designs, int problems, ResidentOptions structure,
        SolverOptions options)
    {
        if (typeof(T) != typeof(double) && typeof(T) != typeof(float))
            throw new NotSupportedException($"resident sessions solve float32 and float64 problems, not {typeof(T).Name}");
        options.Validate();
        bool perProblem = designs.Length > 1;
        int n = designs[0].Samples, p = designs[0].Features;
        _designs = designs;
        _structure = structure;
        Options = options;
        Problems = problems;
        // the engine of the session's algorithm and shape, as IlgpuBackend.Solve picks it for the same batch, fixed for
        // the session's life (later options must run on it)
        var engine = DeviceEngines.ForShape(backend.Engine, DeviceEngines.ForAlgorithm(backend.Engine, options.Algorithm, p), n, p,
            backend.Accelerator.WarpSize, backend.Accelerator.MaxNumThreadsPerGroup, Unsafe.SizeOf<T>(), perProblem);
        try
        {
            _device = new DeviceBatch<T>(backend.Accelerator, backend.Kernels, problems, n, p, perProblem, structure.Positive,
                backend.DeviceMemoryLimitBytes, engine, resident: true, placement: backend.SharedDesignPlacement)
            {
                CompactionThreshold = backend.CompactionThreshold,
            };
        }
        catch (Exception e) when (DeviceOutOfMemoryException.IsAllocationFailure(e))
        {
            throw DeviceOutOfMemoryException.ForSession(backend.DeviceName, DeviceBatch<T>.RequiredBytes(problems, n, p, perProblem, engine, resident: true),
                problems, $"{n} × {p}, {(perProblem ? "each its own design" : "a shared design")}, {typeof(T).Name}", e);
        }
        _device.Begin(problems);
        if (perProblem)
        {
            for (int k = 0; k < problems; k++)
                _device.StageDesign(k, designs[k]);
            _device.UploadDesigns(problems);
        }
        else
            _device.UseSharedDesign(designs[0]);
        _device.SetUpResident(designs);
        _means = new double[problems];
        _failures = new ValidationFailure?[problems];
        _stageRange = StageRange;
        _unpackRange = UnpackRange;
        _chunkProblems = perProblem ? 1 : Math.Max(1, ChunkValues / p);
        _chunkScales = perProblem ? [] : [.. Enumerable.Repeat(designs[0].ColumnScales, _chunkProblems).SelectMany(scales => scales)];
    }

    /// <summary>
    /// About the coefficients unpacked at once on a shared design: enough that the division runs many vectors per call, few
    /// enough that the chunk's iterates and coefficients (8 kB in float64) stay in the L1 cache between its passes.
    /// </summary>
    internal const int ChunkValues = 512;

    /// <summary>K, the number of problems of every call.</summary>
    public int Problems { get; }

    /// <summary>n.</summary>
    public int Samples => _device.Samples;

    /// <summary>p.</summary>
    public int Features => _device.Features;

    /// <summary>See <see cref="IlgpuBackend.CompactionThreshold"/> (initially the backend's); results do not depend on it.</summary>
    public double CompactionThreshold
    {
        get => _device.CompactionThreshold;
        set => _device.CompactionThreshold = value;
    }

    /// <summary>
    /// Whether each call times its kernels on the device into <see cref="KernelTime"/> (profiling markers on the session's
    /// stream around its launches; on CUDA, events). Off by default: the markers are objects, and with it off a warm call
    /// allocates nothing. Results do not depend on it.
    /// </summary>
    public bool MeasureKernelTime
    {
        get => _device.MeasureKernelTime;
        set => _device.MeasureKernelTime = value;
    }

    /// <summary>
    /// The device time of the last call's kernels with <see cref="MeasureKernelTime"/> on (zero with it off): each group of
    /// launches between two reads of the finished count, summed, so staging, the uploads and downloads and the host's waits
    /// are left out. With the cost model's bytes and flops (benchmarks/gpu/MODEL.md) it gives the share of a resource's
    /// peak the kernels sustain.
    /// </summary>
    public TimeSpan KernelTime => _device.KernelTime;

    /// <summary>
    /// The most cores a call validates and stages its problems on, and unpacks their results on (null, the default: every
    /// core). The problems are split into contiguous ranges of at least 1 MiB of staged (or downloaded) bytes each, so a
    /// call under 2 MiB (K = 1,000 problems of 16 × 8: 164 kB of y and scalars) runs on the calling thread alone and
    /// allocates nothing; a call split into ranges allocates one Parallel.For per step (its own state, independent of K).
    /// Results do not depend on it.
    /// </summary>
    public int? StagingThreads
    {
        get => _device.StagingThreads;
        set
        {
            if (value is { } threads)
                ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1, nameof(StagingThreads));
            _device.StagingThreads = value;
        }
    }

    /// <summary>The least bytes of one range (<see cref="DeviceBatch{T}.MinStagingRangeBytes"/>; tests lower it to split small calls).</summary>
    internal long LeastRangeBytes
    {
        get => _device.LeastRangeBytes;
        set => _device.LeastRangeBytes = value;
    }

    /// <summary>The ranges the last call staged in (1: on the calling thread).</summary>
    internal int StagingRanges { get; private set; }

    /// <summary>The ranges the last call unpacked in (1: on the calling thread).</summary>
    internal int UnpackingRanges { get; private set; }

    /// <summary>How many times the last call compacted its active problems.</summary>
    internal int Compactions => _device.Compactions;

    /// <summary>Gap checks launched by the last call (one more than its iteration launches).</summary>
    internal int Checks => _device.Checks;

    /// <summary>Host–device copies of the last call.</summary>
    internal int Transfers => _device.Transfers;

    /// <summary>Host-to-device copies of the last call (<see cref="ResidentCallCopies.Uploads"/> when warm).</summary>
    internal int Uploads => _device.Uploads;

    /// <summary>Device-to-host copies of the last call: its results downloads (<see cref="ResidentCallCopies.Downloads"/> when warm) and reads of the finished count alone.</summary>
    internal int Downloads => _device.Downloads;

    /// <summary>Kernel launches of the last call (<see cref="ResidentCallCopies.Launches"/> when every problem finishes in the first).</summary>
    internal int Launches => _device.Launches;

    /// <summary>Waits for the device in the last call (<see cref="ResidentCallCopies.Synchronizations"/> when warm).</summary>
    internal int Synchronizations => _device.Synchronizations;

    /// <summary>Bytes the last call uploaded (y, λ and r, per-problem scalars; explicit starts).</summary>
    internal long BytesUploaded => _device.BytesUploaded;

    /// <summary>Bytes the last call downloaded (returned iterates, statuses, iterations, gaps and finished counts).</summary>
    internal long BytesDownloaded => _device.BytesDownloaded;

    /// <summary>Reads of the finished count on its own in the last call (none when every problem finishes in the first launch).</summary>
    internal int FinishedReads => _device.FinishedReads;

    // The options the engine runs, resolved once per Options value (a warm call allocates nothing).
    private SolverOptions? _given;
    private SolverOptions? _resolved;

    private SolverOptions EngineOptions()
    {
        var options = Options;
        if (ReferenceEquals(options, _given))
            return _resolved!;
        options.Validate();
        DeviceEngines.ForAlgorithm(_device.Engine, options.Algorithm, Features);
        (_given, _resolved) = (options, DeviceEngines.OptionsFor(_device.Engine, options));
        return _resolved;
    }

    /// <summary>
    /// The solver options of the following calls; their algorithm must run on the engine the options given at creation
    /// chose (<see cref="NotSupportedException"/> otherwise).
    /// </summary>
    public SolverOptions Options { get; set; }

    /// <summary>
    /// Opens a session of <paramref name="problems"/> problems sharing one design X (n × p, row-major).
    /// </summary>
    /// <exception cref="ProblemValidationException">X is malformed (no rows, not a multiple of p, non-finite values).</exception>
    /// <exception cref="DeviceOutOfMemoryException">The device cannot hold the session's K problems at once.</exception>
    /// <exception cref="ArgumentOutOfRangeException">K problems of n × p would take a device index beyond an int.</exception>
    public static ResidentSession<T> WithSharedDesign(IlgpuBackend backend, ReadOnlySpan<T> design, int features, int problems,
        ResidentOptions structure, SolverOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(problems, 1);
        CheckDesign(design, features, null);
        var prepared = BatchPreparation.PrepareDesign(design, features, structure.FitIntercept, structure.Standardize);
        prepared.ThrowIfFaulted(null);
        return new ResidentSession<T>(backend, [prepared], problems, structure, options ?? new SolverOptions());
    }

    /// <summary>
    /// Opens a session of K problems, each with its own design of n × p, stored as one K × n × p row-major block.
    /// </summary>
    /// <exception cref="ProblemValidationException">A design is malformed (the message names its problem).</exception>
    /// <exception cref="DeviceOutOfMemoryException">The device cannot hold the session's K problems at once.</exception>
    /// <exception cref="ArgumentOutOfRangeException">K problems of n × p would take a device index beyond an int (a device
    /// batch's limit, e.g. six penalty factors per column: 6·K·p).</exception>
    public static ResidentSession<T> WithDesignPerProblem(IlgpuBackend backend, ReadOnlyMemory<T> designs, int problems,
        int samples, int features, ResidentOptions structure, SolverOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(problems, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        // In long: n·p may exceed an int (K·n·p is exact once n·p ≤ Array.MaxLength); a matching length bounds every offset below.
        long designSize = (long)samples * features;
        if (designSize > Array.MaxLength || designs.Length != problems * designSize)
            throw new ProblemValidationException(null, "X",
                $"holds {designs.Length} values; {problems} problems of {samples} × {features} need {problems * (double)designSize:G}");
        int size = (int)designSize;
        for (int k = 0; k < problems; k++)
            CheckDesign(designs.Span.Slice(k * size, size), features, k);
        var prepared = new PreparedDesign<T>[problems];
        Parallel.For(0, problems, k => prepared[k] = BatchPreparation.PrepareDesign(designs.Span.Slice(k * size, size), features,
            structure.FitIntercept, structure.Standardize));
        for (int k = 0; k < problems; k++)
            prepared[k].ThrowIfFaulted(k);
        return new ResidentSession<T>(backend, prepared, problems, structure, options ?? new SolverOptions());
    }

    private static void CheckDesign(ReadOnlySpan<T> x, int features, int? k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        if (x.Length == 0 || x.Length % features != 0)
            throw new ProblemValidationException(k, "X", $"holds {x.Length} values, not a positive multiple of p = {features}");
        if (ProblemValidator<T>.CheckDesignValues(x, features) is { } failure)
            throw new ProblemValidationException(k, failure.Field, failure.Reason);
    }

    /// <summary>
    /// Solves the K problems for new responses and penalties, writing each problem's result into
    /// <paramref name="output"/>. A problem whose input is invalid gets <see cref="ProblemStatus.Invalid"/>
    /// (see <see cref="Message"/>), zero coefficients and a NaN gap, and the others are solved.
    /// </summary>
    /// <param name="responses">K × n, row-major: problem k's y is <c>responses[k·n .. (k+1)·n)</c>.</param>
    /// <param name="lambdas">λ of each problem (K values, &gt; 0).</param>
    /// <param name="l1Ratios">r of each problem (K values in [0, 1]).</param>
    /// <param name="output">Where the K results go.</param>
    /// <param name="warmStarts">
    /// K × p raw-scale starting coefficients; empty (the default) starts each problem from its previous
    /// solution: the coefficients last returned for it (zeros before the first call, after
    /// <see cref="ResetWarmStarts"/>, and after it diverged; an invalid call keeps the one before).
    /// </param>
    /// <param name="cancellationToken">Stops the iteration at the next check; unfinished problems are <see cref="ProblemStatus.Cancelled"/>.</param>
    /// <exception cref="ArgumentException">A buffer does not hold K (or K·n, K·p) values.</exception>
    public void Solve(ReadOnlySpan<T> responses, ReadOnlySpan<double> lambdas, ReadOnlySpan<double> l1Ratios,
        ResidentOutput output, ReadOnlySpan<double> warmStarts = default, CancellationToken cancellationToken = default)
    {
        int count = Problems, n = Samples, p = Features;
        CheckLength(responses.Length, (long)count * n, nameof(responses));
        CheckLength(lambdas.Length, count, nameof(lambdas));
        CheckLength(l1Ratios.Length, count, nameof(l1Ratios));
        CheckLength(output.Coefficients.Length, (long)count * p, nameof(output.Coefficients));
        CheckLength(output.Intercepts.Length, count, nameof(output.Intercepts));
        CheckLength(output.Gaps.Length, count, nameof(output.Gaps));
        CheckLength(output.Iterations.Length, count, nameof(output.Iterations));
        CheckLength(output.Statuses.Length, count, nameof(output.Statuses));
        if (!warmStarts.IsEmpty)
            CheckLength(warmStarts.Length, (long)count * p, nameof(warmStarts));
        var options = EngineOptions();
        StageAll(responses, lambdas, l1Ratios, warmStarts, options.Tolerance);
        _device.CommitResident(explicitStarts: !warmStarts.IsEmpty);
        int iteration = _device.Run(options, null, cancellationToken);
        // the returned iterates come back, the next starts stay on the device
        _device.FinishResident();
        UnpackAll(output, iteration);
    }

    /// <summary>
    /// Starts a call and validates and stages each of its problems (<see cref="StageCentred"/>, eight centred at once by
    /// <see cref="ResponseLanes"/>) into the page-locked sections,
    /// in contiguous ranges on up to <see cref="StagingThreads"/> cores (the buffers' lengths checked by the caller).
    /// </summary>
    internal unsafe void StageAll(ReadOnlySpan<T> responses, ReadOnlySpan<double> lambdas, ReadOnlySpan<double> l1Ratios,
        ReadOnlySpan<double> warmStarts, double tolerance)
    {
        _device.Begin(Problems);
        // spans cannot enter the range body: it sees the pinned buffers by address (no starts: null)
        fixed (T* y = responses)
        fixed (double* lambda = lambdas, ratio = l1Ratios, start = warmStarts)
        {
            _inputs = new StagingInputs { Responses = y, Lambdas = lambda, L1Ratios = ratio, WarmStarts = start, Tolerance = tolerance };
            try
            {
                _device.InRanges(Problems, _device.ResidentStagedBytesPerProblem(!warmStarts.IsEmpty), _stageRange);
                StagingRanges = _device.Ranges;
            }
            finally
            {
                _inputs = default;
            }
        }
    }

    private unsafe void StageRange(int start, int end)
    {
        var inputs = _inputs;
        var staging = _device.ResidentStaging();
        if (!ResponseLanes.IsSupported)
        {
            for (int k = start; k < end; k++)
                StageChecked(k, inputs, staging);
            return;
        }
        int n = Samples;
        fixed (T* centred = staging.Responses)
        {
            for (int first = start; first < end; first += ResponseLanes.Count)
            {
                int last = Math.Min(first + ResponseLanes.Count, end) - 1;
                if (last + 1 < end)
                    ResponseLanes.Prefetch(inputs.Responses, n, last + 1, Math.Min(ResponseLanes.Count, end - last - 1));
                var sums = ResponseLanes.Centre(inputs.Responses, centred, n, first, last, _structure.FitIntercept);
                for (int lane = 0; lane <= last - first; lane++)
                    StageCentred(first + lane, sums, lane, inputs, staging);
            }
        }
    }

    /// <summary>
    /// Stages problem k, whose y <see cref="ResponseLanes.Centre{T}"/> centred into lane <paramref name="lane"/> of
    /// <paramref name="sums"/>, when its sums show a valid y: ‖y_c‖² finite (so is every yᵢ) and, in float32, its largest
    /// |yᵢ| within <see cref="ProblemValidator{T}.CheckResponse"/>'s overflow bound; any other y is staged again by
    /// <see cref="StageChecked"/>, which finds its fault as the batch path does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void StageCentred(int k, in CentredLanes sums, int lane, in StagingInputs inputs, in ResidentStaging<T> staging)
    {
        double loss = sums.Loss[lane];
        if (!double.IsFinite(loss) || (typeof(T) == typeof(float) && ProblemValidator<T>.OverflowsFloat32(sums.Largest[lane], Samples)))
            StageChecked(k, inputs, staging);
        else
            StageValid(k, BatchPreparation.Scales(sums.Mean[lane], sums.Correction[lane], loss, Samples, inputs.Tolerance),
                inputs, staging);
    }

    /// <summary>
    /// Writes each problem's result of the finished call (<see cref="UnpackChunk"/>) into <paramref name="output"/>, in
    /// contiguous ranges on up to <see cref="StagingThreads"/> cores; <paramref name="iteration"/> is the run's.
    /// </summary>
    internal unsafe void UnpackAll(ResidentOutput output, int iteration)
    {
        fixed (double* coefficients = output.Coefficients, intercepts = output.Intercepts, gaps = output.Gaps)
        fixed (int* iterations = output.Iterations)
        fixed (ProblemStatus* statuses = output.Statuses)
        {
            _results = new ResultBuffers
            {
                Coefficients = coefficients, Intercepts = intercepts, Gaps = gaps, Iterations = iterations, Statuses = statuses,
                Iteration = iteration,
            };
            try
            {
                _device.InRanges(Problems, _device.ResidentResultBytesPerProblem, _unpackRange);
                UnpackingRanges = _device.Ranges;
            }
            finally
            {
                _results = default;
            }
        }
    }

    private unsafe void UnpackRange(int start, int end)
    {
        var output = _results;
        var results = _device.ResidentResults();
        // the packed results by address as well (page-locked, so pinned already): the loops below keep no span lengths
        fixed (int* status = results.Status, finishedAt = results.FinishedAt)
        fixed (double* gap = results.Gap, bestGap = results.BestGap)
        fixed (T* returned = results.Returned)
        {
            var packed = new PackedResults { Status = status, FinishedAt = finishedAt, Gap = gap, BestGap = bestGap, Returned = returned };
            if (_designs.Length == 1)
            {
                var design = _designs[0];
                for (int first = start; first < end; first += _chunkProblems)
                    UnpackChunk(first, Math.Min(_chunkProblems, end - first), _chunkScales, design.ColumnMeans, design.ActiveColumns,
                        packed, output);
            }
            else
            {
                for (int k = start; k < end; k++)
                    UnpackChunk(k, 1, _designs[k].ColumnScales, _designs[k].ColumnMeans, _designs[k].ActiveColumns, packed, output);
            }
        }
    }

    /// <summary>
    /// Writes the results of problems first … first + count − 1 on one design (as <see cref="ProblemOutcome"/> would
    /// build them; the device keeps them as the next starts): each returned iterate put on the raw scale as
    /// <see cref="PreparedDesign{T}.ToRawScale"/> puts it there (a session's designs profile nothing out), βⱼ = β_wⱼ/sⱼ
    /// for the chunk at once, b₀ = ȳ − Σⱼ x̄ⱼβⱼ (<see cref="Intercepts"/>), and each problem's status, iterations and gap.
    /// <paramref name="scales"/> holds the design's sⱼ repeated for at least count problems. Safe on several threads for
    /// disjoint chunks.
    /// </summary>
    private unsafe void UnpackChunk(int first, int count, ReadOnlySpan<double> scales, double[] columnMeans,
        ReadOnlySpan<bool> activeColumns, PackedResults results, ResultBuffers output)
    {
        int p = Features, length = count * p;
        var raw = new Span<double>(output.Coefficients + (long)first * p, length);
        // the division a vector at a time: correctly rounded, so each quotient is the one ToRawScale computes alone
        if (typeof(T) == typeof(double))
            TensorPrimitives.Divide(new ReadOnlySpan<double>(results.Returned + (long)first * p, length), scales[..length], raw);
        else
        {
            TensorPrimitives.ConvertTruncating(new ReadOnlySpan<float>(results.Returned + (long)first * p, length), raw);
            TensorPrimitives.Divide(raw, scales[..length], raw);
        }
        // an inactive column's coefficient is 0 whatever its scale
        for (int j = 0; j < p; j++)
        {
            if (!activeColumns[j])
                for (int at = j; at < length; at += p)
                    raw[at] = 0.0;
        }
        bool fitIntercept = _structure.FitIntercept;
        if (fitIntercept)
            Intercepts(first, count, columnMeans, output);
        int iteration = output.Iteration;
        for (int k = first; k < first + count; k++)
        {
            var status = ProblemOutcome.StatusOf(results.Status[k]);
            output.Statuses[k] = status;
            output.Iterations[k] = DeviceBatch<T>.Iterations(status, results.FinishedAt[k], iteration);
            if (status == ProblemStatus.Invalid)
            {
                raw.Slice((k - first) * p, p).Clear();
                output.Intercepts[k] = 0;
                output.Gaps[k] = double.NaN;
                continue;
            }
            double gap = results.Gap[k], bestGap = results.BestGap[k];
            output.Gaps[k] = ProblemOutcome.ReportedGap(ProblemOutcome.ReturnsBest(status, gap, bestGap) ? bestGap : gap);
            if (!fitIntercept)
                output.Intercepts[k] = 0;
        }
    }

    /// <summary>
    /// Writes b₀ = ȳ − Σⱼ x̄ⱼβⱼ of problems first … first + count − 1 from their raw-scale β, each sum in the order of j as
    /// <see cref="PreparedDesign{T}.ToRawScale"/> adds it. Four problems' sums run side by side: alone, each subtraction
    /// would wait for the one before; lanes beyond count repeat the last problem (its value computed and written again).
    /// </summary>
    private unsafe void Intercepts(int first, int count, double[] columnMeans, ResultBuffers output)
    {
        int p = Features, last = first + count - 1;
        fixed (double* means = columnMeans)
        {
            for (int k = first; k <= last; k += 4)
            {
                int k1 = Math.Min(k + 1, last), k2 = Math.Min(k + 2, last), k3 = Math.Min(k + 3, last);
                double* beta0 = output.Coefficients + (long)k * p, beta1 = output.Coefficients + (long)k1 * p,
                    beta2 = output.Coefficients + (long)k2 * p, beta3 = output.Coefficients + (long)k3 * p;
                double intercept0 = _means[k], intercept1 = _means[k1], intercept2 = _means[k2], intercept3 = _means[k3];
                for (int j = 0; j < p; j++)
                {
                    intercept0 -= means[j] * beta0[j];
                    intercept1 -= means[j] * beta1[j];
                    intercept2 -= means[j] * beta2[j];
                    intercept3 -= means[j] * beta3[j];
                }
                output.Intercepts[k] = intercept0;
                output.Intercepts[k1] = intercept1;
                output.Intercepts[k2] = intercept2;
                output.Intercepts[k3] = intercept3;
            }
        }
    }

    /// <summary>
    /// Validates and stages problem k as the batch path does, y checked (<see cref="ProblemValidator{T}.CheckResponse"/>)
    /// before it is centred, or skips it with its fault recorded. Safe on several threads for distinct k.
    /// </summary>
    private unsafe void StageChecked(int k, in StagingInputs inputs, in ResidentStaging<T> staging)
    {
        int n = Samples;
        var y = new ReadOnlySpan<T>(inputs.Responses + (long)k * n, n);
        // y_c straight into the staging, rounded to T from float64 as the batch path rounds it (a skipped problem's
        // staged y is never read)
        if (ProblemValidator<T>.CheckResponse(y, n) is { } failure)
            Skip(k, failure);
        else
            StageValid(k, BatchPreparation.CentreResponse(y, _structure.FitIntercept, inputs.Tolerance, staging.Response(k)), inputs, staging);
    }

    /// <summary>
    /// Stages problem k, whose valid y is centred into the staging with <paramref name="scales"/> (its null objective
    /// checked as the batch path checks it), with its λ, r and explicit start, or skips it with its fault recorded. Safe on
    /// several threads for distinct k.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private unsafe void StageValid(int k, ResponseScales scales, in StagingInputs inputs, in ResidentStaging<T> staging)
    {
        double lambda = inputs.Lambdas[k], l1Ratio = inputs.L1Ratios[k];
        var start = inputs.WarmStarts is null ? default : new ReadOnlySpan<double>(inputs.WarmStarts + (long)k * Features, Features);
        var failure = BatchPreparation.ObjectiveRangeFailure(scales.NullObjective)
            ?? ProblemValidator<T>.CheckPenalty(lambda, l1Ratio)
            ?? (lambda == 0
                ? new ValidationFailure("lambda", "is 0: a session's prepared design assumes every feature is penalised; solve λ = 0 with IlgpuBackend.Solve")
                : start.IsEmpty ? null : ProblemValidator<T>.CheckWarmStart(start, Features));
        if (failure is { } fault)
        {
            Skip(k, fault);
            return;
        }
        _failures[k] = null;
        if (!start.IsEmpty)
            BatchPreparation.WorkingStart(Design(k), start, _structure.Positive, _device.StagedStart(k));
        _means[k] = scales.Mean;
        // the weights BatchPreparation.PenaltyWeights computes are expanded from λ and r on the device
        staging.Stage(k, lambda, l1Ratio, scales.GapTolerance, scales.NullObjective);
    }

    // Records problem k's fault and leaves it out of the call.
    private void Skip(int k, ValidationFailure failure)
    {
        _failures[k] = failure;
        _device.Skip(k);
    }

    /// <summary>Why problem k of the last call was invalid (null when it was not). Allocates the message.</summary>
    public string? Message(int k) =>
        _failures[k] is { } failure ? ProblemValidationException.Describe(k, failure.Field, failure.Reason) : null;

    /// <summary>Forgets the previous solutions: the next call without explicit warm starts starts from zero.</summary>
    public void ResetWarmStarts() => _device.ResetStarts();

    private PreparedDesign<T> Design(int k) => _designs.Length == 1 ? _designs[0] : _designs[k];

    private static void CheckLength(long actual, long expected, string name)
    {
        if (actual != expected)
            throw new ArgumentException($"holds {actual} values, but the session needs {expected}", name);
    }

    /// <summary>Releases the session's device buffers (the backend stays open).</summary>
    public void Dispose() => _device.Dispose();

    /// <summary>The caller's inputs of the staging under way: K·n responses, K λ and r, K·p explicit starts or null.</summary>
    private unsafe struct StagingInputs
    {
        public T* Responses;
        public double* Lambdas, L1Ratios, WarmStarts;
        public double Tolerance;
    }

    /// <summary>The packed results of the unpacking under way (<see cref="ResidentResults{T}"/>), by address.</summary>
    private unsafe struct PackedResults
    {
        public int* Status, FinishedAt;
        public double* Gap, BestGap;
        public T* Returned;
    }

    /// <summary>The caller's result buffers of the unpacking under way (K·p, K, K, K, K values) and the run's iteration.</summary>
    private unsafe struct ResultBuffers
    {
        public double* Coefficients, Intercepts, Gaps;
        public int* Iterations;
        public ProblemStatus* Statuses;
        public int Iteration;
    }
}
