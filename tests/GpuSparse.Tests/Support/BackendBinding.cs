using GpuSparse.Backends;
using Xunit;

namespace GpuSparse.Tests.Support;

/// <summary>
/// A test suite bound to one backend of <see cref="BackendRegistry"/> by a subclass (ILGPU's Tests.CPU / Tests.Cuda
/// pattern): the backend is created once per class and disposed with it, and every test touching it is reported
/// skipped when the registry says it cannot run here (no device). <see cref="Backends.BackendRegistryTests"/> checks that
/// every registered backend is bound to every batch suite.
/// </summary>
public abstract class BackendBinding : IDisposable
{
    private readonly Lazy<ISolverBackend> _backend;

    protected BackendBinding() => _backend = new Lazy<ISolverBackend>(CreateBackend);

    /// <summary>The registry name of the backend this binding tests.</summary>
    public abstract string BackendName { get; }

    /// <summary>The backend under test; every test touching it is reported skipped when <see cref="SkipReason"/> is set.</summary>
    protected ISolverBackend Backend
    {
        get
        {
            Skip.If(SkipReason is not null, SkipReason);
            return _backend.Value;
        }
    }

    /// <summary>Why this binding cannot run here (the registry's reason, e.g. no CUDA device), or null.</summary>
    protected virtual string? SkipReason => BackendRegistry.Get(BackendName).UnavailableReason;

    /// <summary>Creates the backend this binding tests: the registry's, or one configured by the subclass (engine, form).</summary>
    protected virtual ISolverBackend CreateBackend() => BackendRegistry.Get(BackendName).Create();

    public void Dispose()
    {
        if (_backend.IsValueCreated)
            _backend.Value.Dispose();
        GC.SuppressFinalize(this);
    }
}
