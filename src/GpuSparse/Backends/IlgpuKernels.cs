using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
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

    /// <summary>
    /// <see cref="BlockIterationKernel.Run{T, TPenalty, TPrecision, TStart, TDesign, TState}"/> for the penalty
    /// <typeparamref name="TPenalty"/> with X_w and the state where <paramref name="placement"/> says, fused with the start
    /// expansion and carry of <paramref name="residentStart"/> when one is given.
    /// </summary>
    public Action<AcceleratorStream, KernelConfig, ProblemViews<T>, IterateViews<T>, CertificateViews, GramWindow, int> BlockIteration<T, TPenalty>(
        BlockPlacement placement, Func<ResidentStart<T>>? residentStart = null)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
    {
        var (design, state) = BlockIterationKernel.PlacementTypes(placement);
        return WindowedWithArgument<T, TPenalty>(typeof(BlockIterationKernel), bounds: null, residentStart, design, state);
    }

    /// <summary>
    /// <see cref="GapKernel.Run{T, TPrecision, TPenalty, TStart}"/> for the penalty <typeparamref name="TPenalty"/>, fused with
    /// the start expansion and carry of <paramref name="residentStart"/> (read at each launch) when one is given.
    /// </summary>
    public Action<AcceleratorStream, Index1D, ProblemViews<T>, IterateViews<T>, CertificateViews, int, int> Gap<T, TPenalty>(
        Func<ResidentStart<T>>? residentStart = null)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T> =>
        residentStart is null ? Gap<T, TPenalty, NoStart<T>>(static () => default) : Gap<T, TPenalty, ResidentStart<T>>(residentStart);

    private Action<AcceleratorStream, Index1D, ProblemViews<T>, IterateViews<T>, CertificateViews, int, int> Gap<T, TPenalty, TStart>(Func<TStart> start)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
        where TStart : struct, IProblemStart<T>
    {
        var method = typeof(GapKernel).GetMethod(nameof(GapKernel.Run))!
            .MakeGenericMethod(typeof(T), Precision<T>(), typeof(TPenalty), typeof(TStart));
        var kernel = method.CreateDelegate<Action<Index1D, ProblemViews<T>, IterateViews<T>, CertificateViews, int, int, TStart>>();
        var launch = GetOrLoad(kernel, () => _accelerator.LoadAutoGroupedKernel(kernel));
        return (stream, extent, problem, state, certificate, iteration, maxIterations) =>
            launch(stream, extent, problem, state, certificate, iteration, maxIterations, start());
    }

    /// <summary>
    /// <see cref="GramCoordinateDescentKernel.Run{T, TPenalty, TPrecision, TStart}"/> for the penalty <typeparamref name="TPenalty"/>,
    /// fused with the start expansion and carry of <paramref name="residentStart"/> when one is given.
    /// </summary>
    public Action<AcceleratorStream, KernelConfig, ProblemViews<T>, IterateViews<T>, CertificateViews, GramWindow> GramCoordinateDescent<T, TPenalty>(
        Func<ResidentStart<T>>? residentStart = null)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T> =>
        residentStart is null
            ? GramCoordinateDescent<T, TPenalty, NoStart<T>>(static () => default)
            : GramCoordinateDescent<T, TPenalty, ResidentStart<T>>(residentStart);

    private Action<AcceleratorStream, KernelConfig, ProblemViews<T>, IterateViews<T>, CertificateViews, GramWindow> GramCoordinateDescent<T, TPenalty, TStart>(
        Func<TStart> start)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
        where TStart : struct, IProblemStart<T>
    {
        var kernel = Closed<Action<ProblemViews<T>, IterateViews<T>, CertificateViews, GramWindow, TStart>>(typeof(GramCoordinateDescentKernel),
            typeof(T), typeof(TPenalty), Precision<T>(), typeof(TStart));
        var launch = GetOrLoad(kernel, () => _accelerator.LoadKernel(kernel));
        return (stream, config, problem, state, certificate, window) => launch(stream, config, problem, state, certificate, window, start());
    }

    /// <summary>
    /// <see cref="SharedGramCoordinateDescentKernel.Run{T, TPenalty, TPrecision, TStart, TPlacement}"/> for the penalty
    /// <typeparamref name="TPenalty"/> with X_w where <paramref name="placement"/> says, fused with the start expansion and
    /// carry of <paramref name="residentStart"/> when one is given.
    /// </summary>
    public Action<AcceleratorStream, KernelConfig, ProblemViews<T>, IterateViews<T>, CertificateViews, GramWindow, int> SharedGramCoordinateDescent<T, TPenalty>(
        DesignPlacement placement, Func<ResidentStart<T>>? residentStart = null)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T> =>
        WindowedWithArgument<T, TPenalty>(typeof(SharedGramCoordinateDescentKernel), bounds: null, residentStart,
            SharedGramCoordinateDescentKernel.PlacementArgument(placement).GetType());

    /// <summary>
    /// <see cref="RegisterFistaKernel.Run{T, TPenalty, TPrecision, TStart}"/> for the penalty <typeparamref name="TPenalty"/>,
    /// fused with the start expansion and carry of <paramref name="residentStart"/> when one is given.
    /// </summary>
    public Action<AcceleratorStream, KernelConfig, ProblemViews<T>, IterateViews<T>, CertificateViews, GramWindow, int> RegisterFista<T, TPenalty>(
        Func<ResidentStart<T>>? residentStart = null)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T> =>
        WindowedWithArgument<T, TPenalty>(typeof(RegisterFistaKernel),
            RegisterFistaKernel.Specialization(_accelerator.WarpSize, _accelerator.MaxNumThreadsPerGroup, Unsafe.SizeOf<T>()), residentStart);

    // An on-chip kernel whose Run takes (problem, state, certificate, window, an int, start): the shared-design
    // kernel's launched slots or the register and block kernels' FISTA flag; loaded with its group-size bounds when it
    // has some, Run closed over its type arguments after the start source when it has more (the shared-design kernel's
    // placement, the block kernel's two).
    private Action<AcceleratorStream, KernelConfig, ProblemViews<T>, IterateViews<T>, CertificateViews, GramWindow, int> WindowedWithArgument<T, TPenalty>(
        Type kernelClass, KernelSpecialization? bounds, Func<ResidentStart<T>>? residentStart, params Type[] trailing)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T> =>
        residentStart is null
            ? WindowedWithArgument<T, TPenalty, NoStart<T>>(kernelClass, bounds, static () => default, trailing)
            : WindowedWithArgument<T, TPenalty, ResidentStart<T>>(kernelClass, bounds, residentStart, trailing);

    private Action<AcceleratorStream, KernelConfig, ProblemViews<T>, IterateViews<T>, CertificateViews, GramWindow, int> WindowedWithArgument<T, TPenalty, TStart>(
        Type kernelClass, KernelSpecialization? bounds, Func<TStart> start, Type[] trailing)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
        where TStart : struct, IProblemStart<T>
    {
        var kernel = Closed<Action<ProblemViews<T>, IterateViews<T>, CertificateViews, GramWindow, int, TStart>>(kernelClass,
            [typeof(T), typeof(TPenalty), Precision<T>(), typeof(TStart), .. trailing]);
        var launch = GetOrLoad(kernel, () => bounds is { } specialization
            ? _accelerator.LoadKernel(kernel, specialization)
            : _accelerator.LoadKernel(kernel));
        return (stream, config, problem, state, certificate, window, argument) =>
            launch(stream, config, problem, state, certificate, window, argument, start());
    }

    // The precision functor of T.
    private static Type Precision<T>() => typeof(T) == typeof(double) ? typeof(DoublePrecision) : typeof(SinglePrecision);

    // The Run method of an on-chip kernel class closed over its type arguments (scalar, penalty, then the kernel's own).
    private static TDelegate Closed<TDelegate>(Type kernel, params Type[] arguments) where TDelegate : Delegate =>
        kernel.GetMethod("Run")!.MakeGenericMethod(arguments).CreateDelegate<TDelegate>();

    /// <summary><see cref="ResidentStartKernel.CarryActive{T, TPrecision}"/> for T.</summary>
    public Action<AcceleratorStream, Index1D, ResidentViews<T>> ResidentCarryActive<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var kernel = typeof(ResidentStartKernel).GetMethod(nameof(ResidentStartKernel.CarryActive))!
            .MakeGenericMethod(typeof(T), Precision<T>()).CreateDelegate<Action<Index1D, ResidentViews<T>>>();
        return GetOrLoad(kernel, () => _accelerator.LoadAutoGroupedKernel(kernel));
    }

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
