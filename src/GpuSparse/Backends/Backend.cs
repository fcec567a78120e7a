using GpuSparse.Reference;
using GpuSparse.Solvers;

namespace GpuSparse.Backends;

/// <summary>Which backend solves a batch.</summary>
public enum BackendKind
{
    /// <summary>CUDA when a device is present, otherwise the coordinate-descent CPU backend (the fastest CPU path).</summary>
    Auto,

    /// <summary>The managed reference path (<see cref="ReferenceBackend"/>), spread over the CPU cores.</summary>
    Reference,

    /// <summary>ILGPU's CPU accelerator: the device kernels emulated on the CPU, for testing them without a GPU.</summary>
    Cpu,

    /// <summary>ILGPU on the first CUDA device.</summary>
    Cuda,

    /// <summary>Batched coordinate descent on the Gram matrix, managed, problems spread over the cores (<see cref="CoordinateDescentBackend"/>).</summary>
    CoordinateDescent,
}

/// <summary>Creates backends by kind.</summary>
public static class Backend
{
    /// <summary>
    /// Creates the backend of <paramref name="kind"/>. <see cref="BackendKind.Auto"/> never picks the ILGPU CPU
    /// accelerator: it emulates device threads and is much slower than the managed paths; without CUDA it picks
    /// coordinate descent, measured fastest on the CPU (benchmarks/RESULTS.md).
    /// </summary>
    /// <remarks>
    /// With a CUDA device, <see cref="BackendKind.Auto"/> falls back to coordinate descent on the CPU, with one line on
    /// stderr saying so, when the device cannot be started or fails while solving.
    /// </remarks>
    /// <exception cref="NotSupportedException"><see cref="BackendKind.Cuda"/> without a CUDA device.</exception>
    public static ISolverBackend Create(BackendKind kind) => kind switch
    {
        BackendKind.Auto => CreateAuto(Console.Error),
        BackendKind.CoordinateDescent => new CoordinateDescentBackend(),
        BackendKind.Reference => new ReferenceBackend(),
        BackendKind.Cpu => IlgpuBackend.CreateCpu(),
        BackendKind.Cuda => IlgpuBackend.CreateCuda(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown backend kind"),
    };

    /// <summary><see cref="BackendKind.Auto"/>: the CUDA device (falling back to cd when it fails), or cd without one.</summary>
    internal static ISolverBackend CreateAuto(TextWriter notices)
    {
        if (!IlgpuBackend.IsCudaAvailable)
            return new CoordinateDescentBackend();
        try
        {
            return new FallbackBackend(IlgpuBackend.CreateCuda(), notices);
        }
        catch (Exception e) when (DeviceFailureException.IsDeviceFailure(e) || e is NotSupportedException)
        {
            notices.WriteLine(FallbackBackend.FallbackLine($"the CUDA device '{IlgpuBackend.CudaDeviceName}' could not be started: {e.Message}"));
            return new CoordinateDescentBackend();
        }
    }
}
