using GpuSparse.Engines;

namespace GpuSparse.Backends;

/// <summary>The built-in backends by kind (<see cref="BackendRegistry"/> knows every backend by name).</summary>
public enum BackendKind
{
    /// <summary>The registry's choice (<see cref="BackendRegistry.ChooseAuto"/>): CUDA when a device is present, otherwise <c>cd</c>.</summary>
    Auto,

    /// <summary>The managed reference path (<see cref="ReferenceBackend"/>), spread over the CPU cores.</summary>
    Reference,

    /// <summary>ILGPU's CPU accelerator: the device kernels emulated on the CPU, for testing them without a GPU.</summary>
    Cpu,

    /// <summary>ILGPU on the first CUDA device.</summary>
    Cuda,

    /// <summary>Coordinate descent, managed, problems spread over the cores (<see cref="CoordinateDescentBackend"/>).</summary>
    CoordinateDescent,
}

/// <summary>Creates backends by kind, through <see cref="BackendRegistry"/>.</summary>
public static class Backend
{
    /// <summary>
    /// Creates the backend of <paramref name="kind"/> (<see cref="BackendRegistry.Create(string, BackendUse, TextWriter?)"/>
    /// of its name): <see cref="BackendKind.Auto"/> falls back from a failing CUDA device to <c>cd</c> with one line on stderr.
    /// </summary>
    /// <exception cref="NotSupportedException"><see cref="BackendKind.Cuda"/> without a CUDA device.</exception>
    public static ISolverBackend Create(BackendKind kind) => BackendRegistry.Create(kind switch
    {
        BackendKind.Auto => BackendRegistry.Auto,
        BackendKind.CoordinateDescent => "cd",
        BackendKind.Reference => "reference",
        BackendKind.Cpu => "cpu",
        BackendKind.Cuda => "cuda",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown backend kind"),
    });
}
