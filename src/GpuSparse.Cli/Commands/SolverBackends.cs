using GpuSparse.Backends;
using GpuSparse.Cli.Input;
using GpuSparse.Solvers;

namespace GpuSparse.Cli.Commands;

/// <summary>A backend the command line can solve on, as <c>info</c> lists it.</summary>
/// <param name="Name">The <c>--backend</c> value.</param>
/// <param name="Device">What it runs on.</param>
/// <param name="Precisions">The precisions it solves in.</param>
/// <param name="Available">Whether it can be used on this machine now.</param>
/// <param name="Note">Why not, or what else to know.</param>
internal sealed record BackendDescription(string Name, string Device, string Precisions, bool Available, string Note);

/// <summary>
/// The one place the command line chooses where problems are solved: <c>--backend auto</c> takes the best
/// available. Accelerated backends plug in here (a case in <see cref="Create"/> and rows in <see cref="Describe"/>).
/// </summary>
internal static class SolverBackends
{
    /// <summary>The values <c>--backend</c> accepts.</summary>
    public static readonly string[] Names = ["auto", "cd", "reference", "cpu", "cuda"];

    /// <summary>Creates the named backend; <c>auto</c> is the best one available.</summary>
    /// <exception cref="InputException">The backend cannot run here (no CUDA device): the message says what to run instead.</exception>
    public static ISolverBackend Create(string name)
    {
        try
        {
            return name switch
            {
                "auto" => Backend.Create(BackendKind.Auto),
                "cd" => Backend.Create(BackendKind.CoordinateDescent),
                "reference" => Backend.Create(BackendKind.Reference),
                "cpu" => Backend.Create(BackendKind.Cpu),
                "cuda" => Backend.Create(BackendKind.Cuda),
                _ => throw new ArgumentOutOfRangeException("--backend", name, $"unknown backend; choose one of {string.Join(", ", Names)}"),
            };
        }
        catch (NotSupportedException e)
        {
            throw new InputException($"--backend {name}: {e.Message}; run with --backend auto or --backend cd", e);
        }
    }

    /// <summary>
    /// The backend of a sweep (<c>path</c>, <c>cv</c>): as <see cref="Create"/>, except that <c>auto</c> is always
    /// <c>cd</c>, whose path engine walks whole paths on one Gram matrix per design; the device backends have no
    /// path engine yet and would solve a sweep one batch per λ step.
    /// </summary>
    /// <exception cref="InputException">The backend cannot run here (no CUDA device).</exception>
    public static ISolverBackend CreateForSweeps(string name) => Create(name == "auto" ? "cd" : name);

    /// <summary>Every backend and device found, for <c>info</c>.</summary>
    public static IEnumerable<BackendDescription> Describe()
    {
        yield return new BackendDescription("reference", $"managed CPU, {Environment.ProcessorCount} threads", "f32, f64", true,
            "the oracle: plain managed ISTA/FISTA, problems in parallel");
        yield return new BackendDescription("cd", $"managed CPU, {Environment.ProcessorCount} threads", "f32, f64", true,
            "coordinate descent on the Gram matrix: the fastest CPU path, picked by --backend auto without CUDA");
        yield return new BackendDescription("cpu", "ILGPU CPU accelerator (emulated GPU threads)", "f32, f64", true,
            "runs the device kernels on the CPU, bit-identical to the reference; slow, for testing");
        bool cuda = IlgpuBackend.IsCudaAvailable;
        yield return new BackendDescription("cuda", cuda ? IlgpuBackend.CudaDeviceName ?? "CUDA device" : "none found", "f32, f64", cuda,
            cuda ? "one device thread per problem; picked by --backend auto" : "no CUDA driver or device on this machine");
    }
}
