using GpuSparse.Backends;
using GpuSparse.Cli.Input;

namespace GpuSparse.Cli.Commands;

/// <summary>A backend the command line can solve on, as <c>info</c> lists it.</summary>
/// <param name="Name">The <c>--backend</c> value.</param>
/// <param name="Device">What it runs on.</param>
/// <param name="Precisions">The precisions it solves in.</param>
/// <param name="Available">Whether it can be used on this machine now.</param>
/// <param name="Note">Why not, or what else to know.</param>
internal sealed record BackendDescription(string Name, string Device, string Precisions, bool Available, string Note);

/// <summary>
/// The command line's view of <see cref="BackendRegistry"/>: <c>--backend</c> names, <c>--devices</c> lists and the
/// rows of <c>info</c> all come from it; <c>auto</c> is the registry's choice.
/// </summary>
internal static class SolverBackends
{
    /// <summary>The values <c>--backend</c> accepts.</summary>
    public static readonly string[] Names = [.. BackendRegistry.Names];

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
        var backend = name == BackendRegistry.Auto ? BackendRegistry.ChooseAuto() : Describe(name);
        bool all = devices == "all";
        if (!backend.HasDevices)
            return all ? Create(name)
                : throw new InputException($"--devices {devices}: the {backend.Name} backend runs on every CPU core already; " +
                    $"--devices chooses accelerators of --backend {string.Join(" or ", BackendRegistry.Backends.Where(b => b.HasDevices).Select(b => b.Name))} (or give --devices all)");
        int[] indices = all ? [.. Enumerable.Range(0, Math.Max(backend.Devices.Count, 1))] : ParseDevices(devices);
        try
        {
            return backend.Create(indices);
        }
        catch (NotSupportedException e)
        {
            throw new InputException($"--devices {devices}: {e.Message}", e);
        }
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

    /// <summary>Creates the named backend; <c>auto</c> is the registry's choice for <paramref name="use"/>.</summary>
    /// <exception cref="InputException">The backend cannot run here (no CUDA device): the message says what to run instead.</exception>
    public static ISolverBackend Create(string name, BackendUse use = BackendUse.Batch)
    {
        if (name != BackendRegistry.Auto)
            Describe(name);
        try
        {
            return BackendRegistry.Create(name, use);
        }
        catch (NotSupportedException e)
        {
            throw new InputException($"--backend {name}: {e.Message}; run with --backend auto (cd where no device is present) or --backend cd, reference or cpu", e);
        }
    }

    /// <summary>
    /// The backend of a sweep (<c>path</c>, <c>cv</c>): as <see cref="Create(string, BackendUse)"/>, with <c>auto</c> the
    /// registry's choice for sweeps (a backend whose path engine walks whole paths on one Gram matrix per design).
    /// </summary>
    /// <exception cref="InputException">The backend cannot run here (no CUDA device).</exception>
    public static ISolverBackend CreateForSweeps(string name) => Create(name, BackendUse.Sweep);

    // The registry's entry; an unknown name is bad usage (the parser accepts only Names, so only a caller's bug gets here).
    private static BackendDescriptor Describe(string name)
    {
        try
        {
            return BackendRegistry.Get(name);
        }
        catch (ArgumentException e)
        {
            throw new InputException($"--backend {name}: {e.Message}", e);
        }
    }

    /// <summary>Every backend and device found, for <c>info</c>.</summary>
    public static IEnumerable<BackendDescription> Describe()
    {
        foreach (var backend in BackendRegistry.Backends)
        {
            string precisions = string.Join(", ", backend.Capabilities.Precisions.Select(type => type == typeof(float) ? "f32" : type == typeof(double) ? "f64" : type.Name));
            if (!backend.IsAvailable)
            {
                yield return new BackendDescription(backend.Name, "none found", precisions, false, backend.UnavailableReason!);
                continue;
            }
            var devices = backend.Devices;
            for (int device = 0; device < devices.Count; device++)
                yield return new BackendDescription(backend.Name, backend.HasDevices ? $"device {device}: {devices[device]}" : devices[device],
                    precisions, true, device == 0 ? backend.Summary : $"--devices {device} or all");
        }
    }
}
