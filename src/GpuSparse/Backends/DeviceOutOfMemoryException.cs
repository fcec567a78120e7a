using ILGPU.Runtime.Cuda;

namespace GpuSparse.Backends;

/// <summary>
/// Thrown by <see cref="IlgpuBackend"/> when the device cannot hold the buffers of even one problem of a batch,
/// after the chunk of problems solved together has been halved down to a single problem, and by
/// <see cref="ResidentSession{T}"/> when the device cannot hold its problems at once. No result is returned:
/// the problems are valid, the device is too small for them.
/// </summary>
public sealed class DeviceOutOfMemoryException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="deviceName"/>, which could not allocate <paramref name="requestedBytes"/>.</summary>
    /// <param name="deviceName">The accelerator's name.</param>
    /// <param name="requestedBytes">The device bytes one chunk of the smallest size needs.</param>
    /// <param name="shape">The problems' shape, in words (n × p and layout).</param>
    /// <param name="innerException">The allocation failure reported by the device.</param>
    public DeviceOutOfMemoryException(string deviceName, long requestedBytes, string shape, Exception innerException)
        : this($"device '{deviceName}' is out of memory: {requestedBytes:N0} bytes of device buffers for one problem " +
            $"({shape}) could not be allocated, even after halving the chunk of problems solved together down to one; " +
            "free device memory (other processes on the device), use a device with more memory, or solve the batch " +
            "on the cd or reference backend, which use host memory only", deviceName, requestedBytes, innerException)
    {
    }

    private DeviceOutOfMemoryException(string message, string deviceName, long requestedBytes, Exception innerException)
        : base(message, innerException)
    {
        DeviceName = deviceName;
        RequestedBytes = requestedBytes;
    }

    /// <summary>
    /// The failure of a <see cref="ResidentSession{T}"/>, which keeps all its problems on the device at once and so
    /// cannot split them into smaller chunks: <paramref name="requestedBytes"/> are its K problems' buffers.
    /// </summary>
    internal static DeviceOutOfMemoryException ForSession(string deviceName, long requestedBytes, int problems, string shape,
        Exception innerException) =>
        new($"device '{deviceName}' is out of memory: a resident session of {problems:N0} problems ({shape}) needs " +
            $"{requestedBytes:N0} bytes of device buffers at once, which could not be allocated; open sessions of fewer " +
            "problems, free device memory, or solve with IlgpuBackend.Solve, which splits a batch into chunks that fit",
            deviceName, requestedBytes, innerException);

    /// <summary>The accelerator that ran out of memory.</summary>
    public string DeviceName { get; }

    /// <summary>The device bytes that could not be allocated (a chunk of one problem, or a whole resident session).</summary>
    public long RequestedBytes { get; }

    /// <summary>
    /// Whether <paramref name="exception"/> is an allocation failure of a device or of the host memory that
    /// ILGPU's CPU accelerator allocates: <see cref="OutOfMemoryException"/> or CUDA_ERROR_OUT_OF_MEMORY.
    /// </summary>
    // ILGPU's CudaException keeps the CudaError's name, not the enum value.
    internal static bool IsAllocationFailure(Exception exception) =>
        exception is OutOfMemoryException or CudaException { Error: nameof(CudaError.CUDA_ERROR_OUT_OF_MEMORY) };
}
