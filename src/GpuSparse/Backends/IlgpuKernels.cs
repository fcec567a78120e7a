using System.Numerics;
using GpuSparse.Kernels.Batched;
using GpuSparse.Kernels.Numerics;
using GpuSparse.Kernels.Penalties;
using ILGPU;
using ILGPU.Runtime;

namespace GpuSparse.Backends;

/// <summary>
/// The batched kernels of one accelerator, compiled on first use for each (precision, penalty) and cached for
/// the accelerator's lifetime. Thread-safe.
/// </summary>
internal sealed class IlgpuKernels
{
    private readonly Accelerator _accelerator;
    private readonly Dictionary<(string Kernel, Type Scalar, Type Functor), Delegate> _cache = [];

    public IlgpuKernels(Accelerator accelerator) => _accelerator = accelerator;

    /// <summary><see cref="IterationKernel.Run{T, TProx}"/> for the penalty <typeparamref name="TProx"/>.</summary>
    public Action<Index1D, ProblemViews<T>, IterateViews<T>, int, int> Iteration<T, TProx>()
        where T : unmanaged, IFloatingPointIeee754<T>
        where TProx : struct, IProximal<T> =>
        GetOrLoad(("iteration", typeof(T), typeof(TProx)),
            () => _accelerator.LoadAutoGroupedStreamKernel<Index1D, ProblemViews<T>, IterateViews<T>, int, int>(
                IterationKernel.Run<T, TProx>));

    /// <summary><see cref="GapKernel.Run{T, TPrecision}"/> for float32 or float64.</summary>
    public Action<Index1D, ProblemViews<T>, IterateViews<T>, CertificateViews, int, int, int> Gap<T>()
        where T : unmanaged, IFloatingPointIeee754<T> =>
        GetOrLoad(("gap", typeof(T), typeof(T)), () => typeof(T) == typeof(double)
            ? (Action<Index1D, ProblemViews<T>, IterateViews<T>, CertificateViews, int, int, int>)(object)
                _accelerator.LoadAutoGroupedStreamKernel<Index1D, ProblemViews<double>, IterateViews<double>, CertificateViews, int, int, int>(
                    GapKernel.Run<double, DoublePrecision>)
            : (Action<Index1D, ProblemViews<T>, IterateViews<T>, CertificateViews, int, int, int>)(object)
                _accelerator.LoadAutoGroupedStreamKernel<Index1D, ProblemViews<float>, IterateViews<float>, CertificateViews, int, int, int>(
                    GapKernel.Run<float, SinglePrecision>));

    /// <summary><see cref="CompactionKernel.Run"/>.</summary>
    public Action<Index1D, ArrayView<int>, ArrayView<int>, int, ArrayView<int>, ArrayView<int>> Compaction() =>
        GetOrLoad(("compaction", typeof(int), typeof(int)),
            () => _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<int>, int, ArrayView<int>, ArrayView<int>>(
                CompactionKernel.Run));

    private TKernel GetOrLoad<TKernel>((string, Type, Type) key, Func<TKernel> load) where TKernel : Delegate
    {
        lock (_cache)
        {
            if (!_cache.TryGetValue(key, out var kernel))
                _cache[key] = kernel = load();
            return (TKernel)kernel;
        }
    }
}
