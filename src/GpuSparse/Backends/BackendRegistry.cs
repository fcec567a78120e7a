
namespace GpuSparse.Backends;

/// <summary>How a backend is going to be used, for <c>auto</c>'s choice.</summary>
public enum BackendUse
{
    /// <summary>Solving batches (<see cref="ISolverBackend.Solve{T}"/>).</summary>
    Batch,

    /// <summary>Regularization paths and cross-validation: <c>auto</c> prefers a backend with a path engine.</summary>
    Sweep,
}

/// <summary>
/// One backend as the registry knows it: its name, whether it can run here (and why not), what it can run, and
/// how to create it.
/// </summary>
public sealed class BackendDescriptor
{
    private readonly Func<ISolverBackend> _create;
    private readonly Func<int, ISolverBackend>? _createOnDevice;
    private readonly Func<string?> _unavailable;
    private readonly Func<IReadOnlyList<string>> _devices;

    internal BackendDescriptor(string name, string summary, BackendCapabilities capabilities, Func<ISolverBackend> create,
        Func<IReadOnlyList<string>> devices, Func<string?>? unavailable = null, Func<int, ISolverBackend>? createOnDevice = null,
        int? autoPreference = null)
    {
        Name = name;
        Summary = summary;
        Capabilities = capabilities;
        _create = create;
        _devices = devices;
        _unavailable = unavailable ?? (() => null);
        _createOnDevice = createOnDevice;
        AutoPreference = autoPreference;
    }

    /// <summary>The name the backend goes by (<c>--backend</c>, <see cref="ISolverBackend.Name"/>, tables).</summary>
    public string Name { get; }

    /// <summary>One line on what it is and when to use it.</summary>
    public string Summary { get; }

    /// <summary>What it can run.</summary>
    public BackendCapabilities Capabilities { get; }

    /// <summary>Whether it can run on this machine now.</summary>
    public bool IsAvailable => UnavailableReason is null;

    /// <summary>Why it cannot run here (e.g. no CUDA device), or null when it can.</summary>
    public string? UnavailableReason => _unavailable();

    /// <summary>
    /// Whether a batch can be placed on chosen devices of it and split over several (<see cref="Create(IReadOnlyList{int})"/>);
    /// the managed backends use every core already.
    /// </summary>
    public bool HasDevices => _createOnDevice is not null;

    /// <summary>What it runs on: one entry per device (by index) for a device backend, one line for a managed one.</summary>
    public IReadOnlyList<string> Devices => _devices();

    /// <summary><c>auto</c> takes the available backend of the smallest preference; null: never chosen by <c>auto</c>.</summary>
    internal int? AutoPreference { get; }

    /// <summary>Creates the backend.</summary>
    /// <exception cref="NotSupportedException">It cannot run here (<see cref="UnavailableReason"/> says why).</exception>
    public ISolverBackend Create() =>
        UnavailableReason is { } reason ? throw new NotSupportedException(reason) : _create();

    /// <summary>
    /// Creates the backend on the devices <paramref name="devices"/> names (0-based): one device is that device's
    /// backend, several a <see cref="MultiDeviceBackend"/> splitting each batch over them (results are those of one device).
    /// </summary>
    /// <exception cref="NotSupportedException">A managed backend (<see cref="HasDevices"/> is false), no devices, or no such device.</exception>
    public ISolverBackend Create(IReadOnlyList<int> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        if (_createOnDevice is null)
            throw new NotSupportedException($"the {Name} backend runs on every CPU core already and has no devices to choose");
        if (devices.Count == 0)
            throw new NotSupportedException("at least one device is needed");
        var created = new List<ISolverBackend>(devices.Count);
        try
        {
            foreach (int device in devices)
                created.Add(_createOnDevice(device));
        }
        catch
        {
            created.ForEach(backend => backend.Dispose());
            throw;
        }
        return created.Count == 1 ? created[0] : new MultiDeviceBackend(created);
    }
}

/// <summary>
/// Every backend of the library, by name: <c>--backend</c>'s values, <c>info</c>'s listing and the tests' bindings
/// come from here, and <c>auto</c> is decided here only. A new backend is one new file and one line in
/// <see cref="Backends"/>.
/// </summary>
public static class BackendRegistry
{
    /// <summary>The name that lets <see cref="Create(string, BackendUse, TextWriter?)"/> choose (<see cref="ChooseAuto"/>).</summary>
    public const string Auto = "auto";

    /// <summary>Every backend, in the order they are listed.</summary>
    public static IReadOnlyList<BackendDescriptor> Backends { get; } =
    [
        ReferenceBackend.Descriptor,
        CoordinateDescentBackend.Descriptor,
        IlgpuBackend.CpuDescriptor,
        IlgpuBackend.CudaDescriptor,
    ];

    /// <summary>The names <see cref="Create(string, BackendUse, TextWriter?)"/> accepts: <c>auto</c> and each backend's.</summary>
    public static IReadOnlyList<string> Names { get; } = [Auto, .. Backends.Select(backend => backend.Name)];

    /// <summary>The backend named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No backend has that name (the message lists the names).</exception>
    public static BackendDescriptor Get(string name) =>
        Backends.FirstOrDefault(backend => backend.Name == name)
        ?? throw new ArgumentException($"unknown backend '{name}'; choose one of {string.Join(", ", Names)}", nameof(name));

    /// <summary>
    /// What <c>auto</c> is for <paramref name="use"/>: the available backend of the smallest preference (CUDA when a device
    /// is present, else <c>cd</c>, the fastest CPU path measured, benchmarks/RESULTS.md); for sweeps only a backend with a
    /// path engine (<c>cd</c>). The ILGPU CPU accelerator is never chosen: it emulates device threads, for testing.
    /// </summary>
    public static BackendDescriptor ChooseAuto(BackendUse use = BackendUse.Batch) =>
        Backends.Where(backend => backend.AutoPreference is not null && (use == BackendUse.Batch || backend.Capabilities.PathEngine)
                && backend.IsAvailable)
            .OrderBy(backend => backend.AutoPreference)
            .First();

    /// <summary>
    /// Creates the backend named <paramref name="name"/>, or <c>auto</c>'s choice for <paramref name="use"/>. A device chosen
    /// by <c>auto</c> falls back to <c>cd</c> when it cannot be started or fails while solving, with one line on
    /// <paramref name="notices"/> (stderr by default) saying so.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown name.</exception>
    /// <exception cref="NotSupportedException">The backend cannot run here (no CUDA device): the message says why.</exception>
    public static ISolverBackend Create(string name, BackendUse use = BackendUse.Batch, TextWriter? notices = null)
    {
        if (name != Auto)
            return Get(name).Create();
        var chosen = ChooseAuto(use);
        if (!chosen.HasDevices)
            return chosen.Create();
        notices ??= Console.Error;
        try
        {
            return new FallbackBackend(chosen.Create(), notices);
        }
        catch (Exception e) when (DeviceFailureException.IsDeviceFailure(e) || e is NotSupportedException)
        {
            notices.WriteLine(FallbackBackend.FallbackLine($"the device '{chosen.Devices.FirstOrDefault()}' could not be started: {e.Message}"));
            return new CoordinateDescentBackend();
        }
    }
}
