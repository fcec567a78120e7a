using GpuSparse.Solvers;
using Xunit;

namespace GpuSparse.Tests.Support;

/// <summary>
/// A test suite bound to one backend by a subclass (ILGPU's Tests.CPU / Tests.Cuda pattern): the backend is
/// created once per class and disposed with it, and every test touching it is reported skipped when the binding
/// cannot run here (no device).
/// </summary>
public abstract class BackendBinding : IDisposable
{
    private readonly Lazy<ISolverBackend> _backend;

    protected BackendBinding() => _backend = new Lazy<ISolverBackend>(CreateBackend);

    /// <summary>The backend under test; every test touching it is reported skipped when <see cref="SkipReason"/> is set.</summary>
    protected ISolverBackend Backend
    {
        get
        {
            Skip.If(SkipReason is not null, SkipReason);
            return _backend.Value;
        }
    }

    /// <summary>Why this binding cannot run here (no device), or null.</summary>
    protected virtual string? SkipReason => null;

    /// <summary>Creates the backend this binding tests.</summary>
    protected abstract ISolverBackend CreateBackend();

    public void Dispose()
    {
        if (_backend.IsValueCreated)
            _backend.Value.Dispose();
        GC.SuppressFinalize(this);
    }
}
