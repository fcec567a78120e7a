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

    /// <summary>
    /// Creates the named backend on the accelerators <paramref name="devices"/> names (<c>--devices all|0,1,…</c>):
    /// one device is that device's backend, several a <see cref="MultiDeviceBackend"/> over them. The managed CPU
    /// backends (<c>cd</c>, <c>reference</c>, and <c>auto</c> without CUDA) already use every core: they take
    /// <c>all</c> and refuse a list.
    /// </summary>
    /// <exception cref="InputException">A device list that is malformed, repeats an index, names a device that is not here, or is given to a CPU backend.</exception>
    public static ISolverBackend Create(string name, string? devices)
    {
        if (devices is null)
            return Create(name);
        string kind = name == "auto" ? (IlgpuBackend.IsCudaAvailable ? "cuda" : "cd") : name;
        bool all = devices == "all";
        if (kind is "cd" or "reference")
            return all ? Create(name)
                : throw new InputException($"--devices {devices}: the {kind} backend runs on every CPU core already; " +
                    "--devices chooses accelerators of --backend cuda or cpu (or give --devices all)");
        int[] indices = all ? [.. Enumerable.Range(0, kind == "cuda" ? Math.Max(CudaDevices.Names.Count, 1) : 1)] : ParseDevices(devices);
        var created = new List<ISolverBackend>();
        try
        {
            foreach (int index in indices)
                created.Add(kind == "cuda" ? IlgpuBackend.CreateCuda(index) : IlgpuBackend.CreateCpu());
        }
        catch (NotSupportedException e)
        {
            created.ForEach(d => d.Dispose());
            throw new InputException($"--devices {devices}: {e.Message}", e);
        }
        return created.Count == 1 ? created[0] : new MultiDeviceBackend(created);
    }

    private static int[] ParseDevices(string text)
    {
        var parts = text.Split(',');
        var indices = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out indices[i]))
                throw new InputException($"--devices {text}: expected all or device indices separated by commas, as --devices 0,1");
        if (indices.Distinct().Count() != indices.Length)
            throw new InputException($"--devices {text}: names a device twice; each device takes one share of the batch");
        return indices;
    }

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
            "runs the device kernels on the CPU, bit-identical to the reference; slow, for testing; --devices 0,1 runs two emulated devices");
        var cuda = CudaDevices.Names;
        if (cuda.Count == 0)
            yield return new BackendDescription("cuda", "none found", "f32, f64", false, "no CUDA driver or device on this machine");
        for (int device = 0; device < cuda.Count; device++)
            yield return new BackendDescription("cuda", $"device {device}: {cuda[device]}", "f32, f64", true,
                device == 0 ? "one device thread per problem; picked by --backend auto; --devices all splits a batch over every device" : $"--devices {device} or all");
    }
}
