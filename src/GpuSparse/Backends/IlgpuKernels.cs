using System.Numerics;
using System.Reflection;
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
/// <see cref="Loaded"/>). Thread-safe.
/// </summary>
internal sealed class IlgpuKernels
{
    private readonly Accelerator _accelerator;
    private readonly Dictionary<MethodInfo, Delegate> _cache = [];

    public IlgpuKernels(Accelerator accelerator) => _accelerator = accelerator;

    /// <summary><see cref="IterationKernel.Run{T, TProx}"/> for the penalty <typeparamref name="TProx"/>.</summary>
    public Action<Index1D, ProblemViews<T>, IterateViews<T>, int, int> Iteration<T, TProx>()
        where T : unmanaged, IFloatingPointIeee754<T>
        where TProx : struct, IProximal<T>
    {
        Action<Index1D, ProblemViews<T>, IterateViews<T>, int, int> kernel = IterationKernel.Run<T, TProx>;
        return GetOrLoad(kernel, () => _accelerator.LoadAutoGroupedStreamKernel(kernel));
    }

    /// <summary><see cref="BlockIterationKernel.Run{T, TProx}"/> for the penalty <typeparamref name="TProx"/>.</summary>
    public Action<KernelConfig, ProblemViews<T>, IterateViews<T>, int, int, int> BlockIteration<T, TProx>()
        where T : unmanaged, IFloatingPointIeee754<T>
        where TProx : struct, IProximal<T>
    {
        Action<ProblemViews<T>, IterateViews<T>, int, int, int> kernel = BlockIterationKernel.Run<T, TProx>;
        return GetOrLoad(kernel, () => _accelerator.LoadStreamKernel(kernel));
    }

    /// <summary><see cref="GapKernel.Run{T, TPrecision}"/> for float32 or float64.</summary>
    public Action<Index1D, ProblemViews<T>, IterateViews<T>, CertificateViews, int, int, int> Gap<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var kernel = (Action<Index1D, ProblemViews<T>, IterateViews<T>, CertificateViews, int, int, int>)(typeof(T) == typeof(double)
            ? (Delegate)(Action<Index1D, ProblemViews<double>, IterateViews<double>, CertificateViews, int, int, int>)GapKernel.Run<double, DoublePrecision>
            : (Action<Index1D, ProblemViews<float>, IterateViews<float>, CertificateViews, int, int, int>)GapKernel.Run<float, SinglePrecision>);
        return GetOrLoad(kernel, () => _accelerator.LoadAutoGroupedStreamKernel(kernel));
    }

    /// <summary><see cref="GramCoordinateDescentKernel.Run{T, TProx, TPrecision}"/> for the penalty <typeparamref name="TProx"/>.</summary>
    public Action<KernelConfig, ProblemViews<T>, IterateViews<T>, CertificateViews, GramWindow> GramCoordinateDescent<T, TProx>()
        where T : unmanaged, IFloatingPointIeee754<T>
        where TProx : struct, IProximal<T>
    {
        var kernel = (Action<ProblemViews<T>, IterateViews<T>, CertificateViews, GramWindow>)(Delegate)(typeof(T) == typeof(double)
            ? CoordinateDescentKernel<double, TProx, DoublePrecision>()
            : CoordinateDescentKernel<float, TProx, SinglePrecision>());
        return GetOrLoad(kernel, () => _accelerator.LoadStreamKernel(kernel));
    }

    /// <summary><see cref="RegisterFistaKernel.Run{T, TProx, TPrecision}"/> for the penalty <typeparamref name="TProx"/>.</summary>
    public Action<KernelConfig, ProblemViews<T>, IterateViews<T>, CertificateViews, GramWindow, int> RegisterFista<T, TProx>()
        where T : unmanaged, IFloatingPointIeee754<T>
        where TProx : struct, IProximal<T>
    {
        var kernel = Closed<Action<ProblemViews<T>, IterateViews<T>, CertificateViews, GramWindow, int>>(typeof(RegisterFistaKernel),
            typeof(T), typeof(TProx), typeof(T) == typeof(double) ? typeof(DoublePrecision) : typeof(SinglePrecision));
        var bounds = RegisterFistaKernel.Specialization(_accelerator.WarpSize, _accelerator.MaxNumThreadsPerGroup);
        return GetOrLoad(kernel, () => _accelerator.LoadStreamKernel(kernel, bounds));
    }

    // The kernel method closed over the precision functor of T (TProx is a penalty of T, passed through).
    private static Delegate CoordinateDescentKernel<TScalar, TProx, TPrecision>()
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
        where TPrecision : struct, IWorkingPrecision<TScalar> =>
        Closed<Action<ProblemViews<TScalar>, IterateViews<TScalar>, CertificateViews, GramWindow>>(typeof(GramCoordinateDescentKernel),
            typeof(TScalar), typeof(TProx), typeof(TPrecision));

    // The Run method of an on-chip kernel class closed over (scalar, penalty, precision functor).
    private static TDelegate Closed<TDelegate>(Type kernel, Type scalar, Type proximal, Type precision) where TDelegate : Delegate =>
        kernel.GetMethod("Run")!.MakeGenericMethod(scalar, proximal, precision).CreateDelegate<TDelegate>();

    /// <summary><see cref="CompactionKernel.Run"/>.</summary>
    public Action<Index1D, ArrayView<int>, ArrayView<int>, int, ArrayView<int>, ArrayView<int>> Compaction()
    {
        Action<Index1D, ArrayView<int>, ArrayView<int>, int, ArrayView<int>, ArrayView<int>> kernel = CompactionKernel.Run;
        return GetOrLoad(kernel, () => _accelerator.LoadAutoGroupedStreamKernel(kernel));
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
