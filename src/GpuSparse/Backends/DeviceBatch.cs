using System.Numerics;
using GpuSparse.Kernels.Batched;
using GpuSparse.Kernels.Penalties;
using GpuSparse.Model;
using GpuSparse.Preparation;
using GpuSparse.Solvers;
using ILGPU;
using ILGPU.Runtime;

namespace GpuSparse.Backends;

/// <summary>
/// Device buffers (and their host staging arrays) for up to <see cref="Capacity"/> prepared problems of one
/// shape and one penalty kind, in the problem-minor layout of <see cref="ProblemViews{T}"/>. A loaded batch is
/// iterated one check interval per kernel launch, reading back only the count of finished problems; the
/// iterates come back once, at the end. Reusable: load, run and collect again without reallocating.
/// </summary>
internal sealed class DeviceBatch<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly IlgpuKernels _kernels;
    private readonly List<MemoryBuffer> _buffers = [];
    private readonly MemoryBuffer1D<T, Stride1D.Dense> _design, _response, _l1, _l2, _step, _stepOverN,
        _beta, _z, _next, _best, _residual, _correlation, _momentum;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _status, _finishedAt, _finished;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _gapResidual, _gapCorrelation, _gapTolerance, _nullObjective,
        _runaway, _gap, _objective, _bestGap, _bestObjective;
    private readonly T[] _hostDesign, _hostResponse, _hostL1, _hostL2, _hostStep, _hostStepOverN, _hostBeta, _hostBest,
        _hostMomentum, _coefficients, _bestCoefficients;
    private readonly double[] _hostGapTolerance, _hostNullObjective, _hostGap, _hostObjective, _hostBestGap, _hostBestObjective;
    private readonly int[] _hostStatus, _hostFinishedAt;
    private PreparedDesign<T>? _sharedDesign;
    private int _count;
    private bool _positive;
    private int _finishedCount;

    /// <summary>Allocates buffers for <paramref name="capacity"/> problems of n × p.</summary>
    public DeviceBatch(Accelerator accelerator, IlgpuKernels kernels, int capacity, int samples, int features, bool designPerProblem)
    {
        _kernels = kernels;
        Capacity = capacity;
        Samples = samples;
        Features = features;
        DesignPerProblem = designPerProblem;
        long np = (long)samples * features, nk = (long)samples * capacity, pk = (long)features * capacity;
        long designLength = designPerProblem ? np * capacity : np;
        // a shared design is uploaded straight from its prepared values; per-problem designs are interleaved first
        _design = Allocate<T>(accelerator, designLength);
        _hostDesign = designPerProblem ? new T[designLength] : [];
        (_response, _hostResponse) = Pair<T>(accelerator, nk);
        (_l1, _hostL1) = Pair<T>(accelerator, pk);
        (_l2, _hostL2) = Pair<T>(accelerator, pk);
        (_step, _hostStep) = Pair<T>(accelerator, capacity);
        (_stepOverN, _hostStepOverN) = Pair<T>(accelerator, capacity);
        (_beta, _hostBeta) = Pair<T>(accelerator, pk);
        (_best, _hostBest) = Pair<T>(accelerator, pk);
        (_momentum, _hostMomentum) = Pair<T>(accelerator, capacity);
        _z = Allocate<T>(accelerator, pk);
        _next = Allocate<T>(accelerator, pk);
        _residual = Allocate<T>(accelerator, nk);
        _correlation = Allocate<T>(accelerator, pk);
        (_status, _hostStatus) = Pair<int>(accelerator, capacity);
        (_finishedAt, _hostFinishedAt) = Pair<int>(accelerator, capacity);
        _finished = Allocate<int>(accelerator, 1);
        _gapResidual = Allocate<double>(accelerator, nk);
        _gapCorrelation = Allocate<double>(accelerator, pk);
        (_gapTolerance, _hostGapTolerance) = Pair<double>(accelerator, capacity);
        (_nullObjective, _hostNullObjective) = Pair<double>(accelerator, capacity);
        _runaway = Allocate<double>(accelerator, capacity);
        (_gap, _hostGap) = Pair<double>(accelerator, capacity);
        (_objective, _hostObjective) = Pair<double>(accelerator, capacity);
        (_bestGap, _hostBestGap) = Pair<double>(accelerator, capacity);
        (_bestObjective, _hostBestObjective) = Pair<double>(accelerator, capacity);
        _coefficients = new T[features];
        _bestCoefficients = new T[features];
    }

    /// <summary>The most problems one load can hold.</summary>
    public int Capacity { get; }

    /// <summary>n.</summary>
    public int Samples { get; }

    /// <summary>p.</summary>
    public int Features { get; }

    /// <summary>Whether each problem has its own design (otherwise one design is shared by all).</summary>
    public bool DesignPerProblem { get; }

    /// <summary>
    /// Stages and uploads <paramref name="problems"/> (all of n × p, all with the same positivity; with a shared
    /// layout, all on the same <see cref="PreparedDesign{T}"/>, which is uploaded only when it changes).
    /// </summary>
    public void Load(ReadOnlySpan<PreparedProblem<T>> problems)
    {
        int count = problems.Length, n = Samples, p = Features;
        if (count == 0 || count > Capacity)
            throw new ArgumentOutOfRangeException(nameof(problems), count, $"between 1 and {Capacity} problems fit this batch");
        _count = count;
        _positive = problems[0].Positive;
        for (int k = 0; k < count; k++)
        {
            var problem = problems[k];
            var design = problem.Design;
            if (design.Samples != n || design.Features != p || problem.Positive != _positive)
                throw new ArgumentException("every problem of a device batch must have the same shape and positivity", nameof(problems));
            if (DesignPerProblem)
            {
                // X_w[i, j] of problem k at (i·p + j)·K + k
                var x = design.Values;
                for (int e = 0; e < x.Length; e++)
                    _hostDesign[e * count + k] = x[e];
            }
            else if (!ReferenceEquals(design, problems[0].Design))
                throw new ArgumentException("a shared-design device batch needs one prepared design", nameof(problems));
            for (int i = 0; i < n; i++)
                _hostResponse[i * count + k] = problem.Response[i];
            for (int j = 0; j < p; j++)
            {
                _hostL1[j * count + k] = problem.L1[j];
                _hostL2[j * count + k] = problem.L2[j];
                _hostBeta[j * count + k] = problem.Initial[j];
            }
            // the same t and t/n as the reference iteration
            T step = T.CreateTruncating(design.Step);
            _hostStep[k] = step;
            _hostStepOverN[k] = step / T.CreateTruncating(n);
            _hostMomentum[k] = T.One;
            _hostGapTolerance[k] = problem.GapTolerance;
            _hostNullObjective[k] = problem.NullObjective;
        }
        if (DesignPerProblem)
            Upload(_design, _hostDesign, (long)n * p * count);
        else if (!ReferenceEquals(_sharedDesign, problems[0].Design))
        {
            _sharedDesign = problems[0].Design;
            Upload(_design, _sharedDesign.Values, _sharedDesign.Values.Length);
        }
        long nk = (long)n * count, pk = (long)p * count;
        Upload(_response, _hostResponse, nk);
        Upload(_l1, _hostL1, pk);
        Upload(_l2, _hostL2, pk);
        Upload(_beta, _hostBeta, pk);
        Upload(_z, _hostBeta, pk);
        Upload(_step, _hostStep, count);
        Upload(_stepOverN, _hostStepOverN, count);
        Upload(_momentum, _hostMomentum, count);
        Upload(_gapTolerance, _hostGapTolerance, count);
        Upload(_nullObjective, _hostNullObjective, count);
        _status.View.SubView(0, count).MemSetToZero();
        _finished.MemSetToZero();
        _finishedCount = 0;
    }

    /// <summary>
    /// Iterates the loaded problems until every one has finished, the iteration limit, or cancellation
    /// (checked between kernel launches). Returns the iterations performed by the problems still running.
    /// </summary>
    /// <param name="options">The solver options.</param>
    /// <param name="onFinished">Told how many more problems finished after each check.</param>
    /// <param name="cancellationToken">Stops the iteration at the next check.</param>
    public int Run(SolverOptions options, Action<int>? onFinished, CancellationToken cancellationToken)
    {
        bool accelerated = options.Algorithm == SolverAlgorithm.Fista;
        var problem = ProblemViews();
        var state = IterateViews(accelerated);
        var certificate = CertificateViews();
        var iterate = _positive
            ? _kernels.Iteration<T, NonNegativeElasticNetProximal<T>>()
            : _kernels.Iteration<T, ElasticNetProximal<T>>();
        var check = _kernels.Gap<T>();
        int positive = _positive ? 1 : 0;
        int iteration = 0;
        check(_count, problem, state, certificate, iteration, options.MaxIterations, positive);
        ReadFinished(onFinished);
        while (_finishedCount < _count && !cancellationToken.IsCancellationRequested)
        {
            int checkAt = Math.Min(options.MaxIterations, iteration + options.CheckInterval);
            iterate(_count, problem, state, checkAt - iteration, accelerated ? 1 : 0);
            iteration = checkAt;
            check(_count, problem, state, certificate, iteration, options.MaxIterations, positive);
            ReadFinished(onFinished);
        }
        return iteration;
    }

    /// <summary>
    /// Reads the outcome back and writes each problem's result at its batch index; problems still running
    /// after <paramref name="iteration"/> iterations (cancelled) are reported with their last iterate.
    /// </summary>
    public void Collect(ReadOnlySpan<PreparedProblem<T>> problems, int iteration, ProblemResult[] results)
    {
        int count = _count, p = Features;
        long pk = (long)p * count;
        Download(_beta, _hostBeta, pk);
        Download(_best, _hostBest, pk);
        Download(_status, _hostStatus, count);
        Download(_finishedAt, _hostFinishedAt, count);
        Download(_gap, _hostGap, count);
        Download(_objective, _hostObjective, count);
        Download(_bestGap, _hostBestGap, count);
        Download(_bestObjective, _hostBestObjective, count);
        for (int k = 0; k < count; k++)
        {
            for (int j = 0; j < p; j++)
            {
                _coefficients[j] = _hostBeta[j * count + k];
                _bestCoefficients[j] = _hostBest[j * count + k];
            }
            var (status, finishedAt) = _hostStatus[k] switch
            {
                BatchStatus.Converged => (ProblemStatus.Converged, _hostFinishedAt[k]),
                BatchStatus.MaxIterations => (ProblemStatus.MaxIterations, _hostFinishedAt[k]),
                BatchStatus.Diverged => (ProblemStatus.Diverged, _hostFinishedAt[k]),
                _ => (ProblemStatus.Cancelled, iteration),
            };
            results[problems[k].Index] = ProblemOutcome.Build<T>(problems[k], status, finishedAt, _coefficients,
                _hostGap[k], _hostObjective[k], _bestCoefficients, _hostBestGap[k], _hostBestObjective[k]);
        }
    }

    private ProblemViews<T> ProblemViews() => new()
    {
        Design = _design.View.SubView(0, DesignPerProblem ? (long)Samples * Features * _count : (long)Samples * Features),
        Response = Slice(_response, (long)Samples * _count),
        L1 = Slice(_l1, (long)Features * _count),
        L2 = Slice(_l2, (long)Features * _count),
        Step = Slice(_step, _count),
        StepOverN = Slice(_stepOverN, _count),
        Samples = Samples,
        Features = Features,
        Count = _count,
        DesignPerProblem = DesignPerProblem ? 1 : 0,
    };

    private IterateViews<T> IterateViews(bool accelerated)
    {
        long pk = (long)Features * _count;
        var beta = Slice(_beta, pk);
        return new IterateViews<T>
        {
            Beta = beta,
            // ISTA takes the gradient at β itself
            Z = accelerated ? Slice(_z, pk) : beta,
            Next = Slice(_next, pk),
            Best = Slice(_best, pk),
            Residual = Slice(_residual, (long)Samples * _count),
            Correlation = Slice(_correlation, pk),
            Momentum = Slice(_momentum, _count),
            Status = Slice(_status, _count),
        };
    }

    private CertificateViews CertificateViews() => new()
    {
        Residual = Slice(_gapResidual, (long)Samples * _count),
        Correlation = Slice(_gapCorrelation, (long)Features * _count),
        GapTolerance = Slice(_gapTolerance, _count),
        NullObjective = Slice(_nullObjective, _count),
        Runaway = Slice(_runaway, _count),
        Gap = Slice(_gap, _count),
        Objective = Slice(_objective, _count),
        BestGap = Slice(_bestGap, _count),
        BestObjective = Slice(_bestObjective, _count),
        FinishedAt = Slice(_finishedAt, _count),
        Finished = _finished.View,
    };

    private void ReadFinished(Action<int>? onFinished)
    {
        int before = _finishedCount;
        _finished.View.CopyToCPU(ref _finishedCount, 1);
        if (_finishedCount > before)
            onFinished?.Invoke(_finishedCount - before);
    }

    private static ArrayView<TElement> Slice<TElement>(MemoryBuffer1D<TElement, Stride1D.Dense> buffer, long length)
        where TElement : unmanaged => buffer.View.SubView(0, length);

    private static void Upload<TElement>(MemoryBuffer1D<TElement, Stride1D.Dense> buffer, TElement[] host, long length)
        where TElement : unmanaged => buffer.View.SubView(0, length).CopyFromCPU(ref host[0], length);

    private static void Download<TElement>(MemoryBuffer1D<TElement, Stride1D.Dense> buffer, TElement[] host, long length)
        where TElement : unmanaged => buffer.View.SubView(0, length).CopyToCPU(ref host[0], length);

    private MemoryBuffer1D<TElement, Stride1D.Dense> Allocate<TElement>(Accelerator accelerator, long length)
        where TElement : unmanaged
    {
        var buffer = accelerator.Allocate1D<TElement>(length);
        _buffers.Add(buffer);
        return buffer;
    }

    private (MemoryBuffer1D<TElement, Stride1D.Dense>, TElement[]) Pair<TElement>(Accelerator accelerator, long length)
        where TElement : unmanaged => (Allocate<TElement>(accelerator, length), new TElement[length]);

    /// <summary>Releases every device buffer.</summary>
    public void Dispose()
    {
        foreach (var buffer in _buffers)
            buffer.Dispose();
        _buffers.Clear();
    }
}
