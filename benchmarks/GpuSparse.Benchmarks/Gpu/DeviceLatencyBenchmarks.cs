using BenchmarkDotNet.Attributes;
using GpuSparse.Backends;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace GpuSparse.Benchmarks.Gpu;

/// <summary>
/// The fixed latencies of a warm resident call, which the cost model assumes (benchmarks/gpu/MODEL.md: launch 5 µs,
/// copy 3 µs, synchronisation 8 µs; 19 µs of the call's 50 µs budget for its one launch, two copies and one wait), on
/// the device a resident session uses: CUDA where ILGPU finds one, else the CPU accelerator (whose figures say nothing
/// of a GPU's). Each call is made as <c>DeviceBatch</c> makes it: one stream, 4 bytes copied from page-locked memory.
/// </summary>
/// <remarks>
/// <see cref="Launches"/> and <see cref="Uploads"/> queue 64 operations and wait once, so they time the host's cost to
/// enqueue one (an upper bound: the device may run slower than the host queues); the others time one round trip.
/// </remarks>
[MemoryDiagnoser]
public class DeviceLatencyBenchmarks
{
    private const int Queued = 64;
    private Context _context = null!;
    private Accelerator _accelerator = null!;
    private AcceleratorStream _stream = null!;
    private Action<AcceleratorStream, Index1D, ArrayView<int>> _kernel = null!;
    private MemoryBuffer1D<int, Stride1D.Dense> _device = null!;
    private PageLockedArray1D<int> _host = null!;
    private int[] _hostArray = [];

    /// <summary>Where the latencies are measured: cuda where ILGPU finds a device, else cpu.</summary>
    public static IEnumerable<string> Devices => [IlgpuBackend.IsCudaAvailable ? "cuda" : "cpu"];

    /// <summary>The device.</summary>
    [ParamsSource(nameof(Devices))]
    public string Device { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _context = Context.Create(builder => (Device == "cuda" ? builder.Cuda() : builder.CPU()).Math(MathMode.Default));
        _accelerator = Device == "cuda" ? _context.CreateCudaAccelerator(0) : _context.CreateCPUAccelerator(0);
        _stream = _accelerator.CreateStream();
        _kernel = _accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<int>>(Touch);
        _device = _accelerator.Allocate1D<int>(1);
        _host = _accelerator.AllocatePageLocked1D<int>(1, uninitialized: false);
        _hostArray = _host.GetArray();
        // the kernel compiled and loaded, the first copy made, outside the measurement
        LaunchAndWait();
        UploadAndWait();
    }

    // The least a kernel does: one thread writes one value.
    private static void Touch(Index1D index, ArrayView<int> value) => value[index] = index + 1;

    /// <summary>One launch of a one-thread kernel, then a wait for the stream.</summary>
    [Benchmark]
    public void LaunchAndWait()
    {
        _kernel(_stream, 1, _device.View);
        _stream.Synchronize();
    }

    /// <summary>One 4-byte copy from page-locked host memory to the device, then a wait.</summary>
    [Benchmark]
    public void UploadAndWait()
    {
        Upload();
        _stream.Synchronize();
    }

    /// <summary>A wait for a stream with nothing queued.</summary>
    [Benchmark]
    public void Wait() => _stream.Synchronize();

    /// <summary>64 launches queued, one wait: the host's cost to enqueue a launch.</summary>
    [Benchmark(OperationsPerInvoke = Queued)]
    public void Launches()
    {
        for (int launch = 0; launch < Queued; launch++)
            _kernel(_stream, 1, _device.View);
        _stream.Synchronize();
    }

    /// <summary>64 copies queued, one wait: the host's cost to enqueue a copy.</summary>
    [Benchmark(OperationsPerInvoke = Queued)]
    public void Uploads()
    {
        for (int copy = 0; copy < Queued; copy++)
            Upload();
        _stream.Synchronize();
    }

    private void Upload() => _device.View.BaseView.CopyFromCPUUnsafeAsync(_stream, ref _hostArray[0], 1);

    [GlobalCleanup]
    public void Cleanup()
    {
        _host.Dispose();
        _device.Dispose();
        _stream.Dispose();
        _accelerator.Dispose();
        _context.Dispose();
    }
}
