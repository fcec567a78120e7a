using System.Numerics;
using System.Reflection;
using GpuSparse.Engines;
using GpuSparse.Kernels;
using GpuSparse.Kernels.Batched;
using GpuSparse.Kernels.Numerics;
using GpuSparse.Kernels.OnChip;
using GpuSparse.Kernels.Penalties;
using ILGPU;
using ILGPU.Runtime;

namespace GpuSparse.Backends;

/// <summary>
/// The batched kernels of one accelerator, compiled on first use for each (precision, penalty) and cached for
/// the accelerator's lifetime. Every kernel loaded is one of <see cref="KernelCatalog.All"/> (tested through
/// <see cref="Loaded"/>). Each launcher takes the stream it is queued on first, so that device batches on
/// separate streams overlap (one chunk's uploads with another's solve). Thread-safe.
/// </summary>
internal sealed class IlgpuKernels
{
    private readonly Accelerator _accelerator;
    private readonly Dictionary<MethodInfo, Delegate> _cache = [];

    public IlgpuKernels(Accelerator accelerator) => _accelerator = accelerator;

    /// <summary><see cref="IterationKernel.Run{T, TPenalty}"/> for the penalty <typeparamref name="TPenalty"/>.</summary>
    public Action<AcceleratorStream, Index1D, ProblemViews<T>, IterateViews<T>, int, int> Iteration<T, TPenalty>()
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
    {
        Action<Index1D, ProblemViews<T>, IterateViews<T>, int, int> kernel = IterationKernel.Run<T, TPenalty>;
        return GetOrLoad(kernel, () => _accelerator.LoadAutoGroupedKernel(kernel));
    }

    /// <summary><see cref="BlockIterationKernel.Run{T, TPenalty}"/> for the penalty <typeparamref name="TPenalty"/>.</summary>
    public Action<AcceleratorStream, KernelConfig, ProblemViews<T>, IterateViews<T>, int, int, int> BlockIteration<T, TPenalty>()
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
    {
        Action<ProblemViews<T>, IterateViews<T>, int, int, int> kernel = BlockIterationKernel.Run<T, TPenalty>;
        return GetOrLoad(kernel, () => _accelerator.LoadKernel(kernel));
    }

    /// <summary><see cref="GapKernel.Run{T, TPrecision, TPenalty}"/> for the penalty <typeparamref name="TPenalty"/>.</summary>
    public Action<AcceleratorStream, Index1D, ProblemViews<T>, IterateViews<T>, CertificateViews, int, int> Gap<T, TPenalty>()
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
    {
        var method = typeof(GapKernel).GetMethod(nameof(GapKernel.Run))!
            .MakeGenericMethod(typeof(T), typeof(T) == typeof(double) ? typeof(DoublePrecision) : typeof(SinglePrecision), typeof(TPenalty));
        var kernel = method.CreateDelegate<Action<Index1D, ProblemViews<T>, IterateViews<T>, CertificateViews, int, int>>();
        return GetOrLoad(kernel, () => _accelerator.LoadAutoGroupedKernel(kernel));
    }

    /// <summary><see cref="GramCoordinateDescentKernel.Run{T, TPenalty, TPrecision}"/> for the penalty <typeparamref name="TPenalty"/>.</summary>
    public Action<AcceleratorStream, KernelConfig, ProblemViews<T>, IterateViews<T>, CertificateViews, GramWindow> GramCoordinateDescent<T, TPenalty>()
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
    {
        var kernel = (Action<ProblemViews<T>, IterateViews<T>, CertificateViews, GramWindow>)(Delegate)(typeof(T) == typeof(double)
            ? CoordinateDescentKernel<double, TPenalty, DoublePrecision>()
            : CoordinateDescentKernel<float, TPenalty, SinglePrecision>());
        return GetOrLoad(kernel, () => _accelerator.LoadKernel(kernel));
    }

    /// <summary><see cref="SharedGramCoordinateDescentKernel.Run{T, TPenalty, TPrecision}"/> for the penalty <typeparamref name="TPenalty"/>.</summary>
    public Action<AcceleratorStream, KernelConfig, ProblemViews<T>, IterateViews<T>, CertificateViews, GramWindow, int> SharedGramCoordinateDescent<T, TPenalty>()
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
    {
        var kernel = Closed<Action<ProblemViews<T>, IterateViews<T>, CertificateViews, GramWindow, int>>(typeof(SharedGramCoordinateDescentKernel),
            typeof(T), typeof(TPenalty), typeof(T) == typeof(double) ? typeof(DoublePrecision) : typeof(SinglePrecision));
        return GetOrLoad(kernel, () => _accelerator.LoadKernel(kernel));
    }

    /// <summary><see cref="RegisterFistaKernel.Run{T, TPenalty, TPrecision}"/> for the penalty <typeparamref name="TPenalty"/>.</summary>
    public Action<AcceleratorStream, KernelConfig, ProblemViews<T>, IterateViews<T>, CertificateViews, GramWindow, int> RegisterFista<T, TPenalty>()
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
    {
        var kernel = Closed<Action<ProblemViews<T>, IterateViews<T>, CertificateViews, GramWindow, int>>(typeof(RegisterFistaKernel),
            typeof(T), typeof(TPenalty), typeof(T) == typeof(double) ? typeof(DoublePrecision) : typeof(SinglePrecision));
        var bounds = RegisterFistaKernel.Specialization(_accelerator.WarpSize, _accelerator.MaxNumThreadsPerGroup);
        return GetOrLoad(kernel, () => _accelerator.LoadKernel(kernel, bounds));
    }

    // The kernel method closed over the precision functor of T (TPenalty is a penalty of T, passed through).
    private static Delegate CoordinateDescentKernel<TScalar, TPenalty, TPrecision>()
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
        where TPrecision : struct, IWorkingPrecision<TScalar> =>
        Closed<Action<ProblemViews<TScalar>, IterateViews<TScalar>, CertificateViews, GramWindow>>(typeof(GramCoordinateDescentKernel),
            typeof(TScalar), typeof(TPenalty), typeof(TPrecision));

    // The Run method of an on-chip kernel class closed over (scalar, penalty, precision functor).
    private static TDelegate Closed<TDelegate>(Type kernel, Type scalar, Type penalty, Type precision) where TDelegate : Delegate =>
        kernel.GetMethod("Run")!.MakeGenericMethod(scalar, penalty, precision).CreateDelegate<TDelegate>();

    /// <summary><see cref="ResidentStartKernel.Expand{T, TPrecision}"/> for T.</summary>
    public Action<AcceleratorStream, Index1D, ResidentViews<T>, int> ResidentExpand<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var kernel = Resident<T, Action<Index1D, ResidentViews<T>, int>>(nameof(ResidentStartKernel.Expand));
        return GetOrLoad(kernel, () => _accelerator.LoadAutoGroupedKernel(kernel));
    }

    /// <summary><see cref="ResidentStartKernel.Carry{T, TPrecision}"/> for T.</summary>
    public Action<AcceleratorStream, Index1D, ResidentViews<T>> ResidentCarry<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var kernel = Resident<T, Action<Index1D, ResidentViews<T>>>(nameof(ResidentStartKernel.Carry));
        return GetOrLoad(kernel, () => _accelerator.LoadAutoGroupedKernel(kernel));
    }

    // A resident-session kernel method closed over T and its precision functor.
    private static TDelegate Resident<T, TDelegate>(string name)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TDelegate : Delegate =>
        typeof(ResidentStartKernel).GetMethod(name)!
            .MakeGenericMethod(typeof(T), typeof(T) == typeof(double) ? typeof(DoublePrecision) : typeof(SinglePrecision))
            .CreateDelegate<TDelegate>();

    /// <summary><see cref="CompactionKernel.Run"/>.</summary>
    public Action<AcceleratorStream, Index1D, ArrayView<int>, ArrayView<int>, int, ArrayView<int>, ArrayView<int>> Compaction()
    {
        Action<Index1D, ArrayView<int>, ArrayView<int>, int, ArrayView<int>, ArrayView<int>> kernel = CompactionKernel.Run;
        return GetOrLoad(kernel, () => _accelerator.LoadAutoGroupedKernel(kernel));
    }

    /// <summary>The kernel methods loaded so far (each must be listed in <see cref="KernelCatalog"/>).</summary>
    public IReadOnlyCollection<MethodInfo> Loaded
    {
        get
        {
            lock (_cache)
                return [.. _cache.Keys];
        }
    }

    private TLauncher GetOrLoad<TLauncher>(Delegate kernel, Func<TLauncher> load) where TLauncher : Delegate
    {
        lock (_cache)
        {
            if (!_cache.TryGetValue(kernel.Method, out var launcher))
                _cache[kernel.Method] = launcher = load();
            return (TLauncher)launcher;
        }
    }
}
