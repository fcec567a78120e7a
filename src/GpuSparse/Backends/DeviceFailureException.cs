using ILGPU;
using ILGPU.Runtime;

namespace GpuSparse.Backends;

/// <summary>
/// Thrown by <see cref="IlgpuBackend"/> when the device itself fails while solving (a kernel launch or a copy fails,
/// the driver reports an error, a kernel cannot be compiled for it): the message names the device, what failed and
/// what to do. No result is returned; the problems are not at fault. <see cref="BackendRegistry.Auto"/> falls back to the
/// <c>cd</c> backend when its device fails.
/// </summary>
public sealed class DeviceFailureException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="deviceName"/>, which failed with <paramref name="innerException"/>.</summary>
    public DeviceFailureException(string deviceName, Exception innerException)
        : base($"device '{deviceName}' failed: {innerException.Message} ({innerException.GetType().Name}); check the driver " +
            "and the device (nvidia-smi), or solve on the cd or reference backend, which use the CPU only", innerException) =>
        DeviceName = deviceName;

    /// <summary>The accelerator that failed.</summary>
    public string DeviceName { get; }

    /// <summary>Whether <paramref name="exception"/> is a failure of the device or of its driver or compiler (not of the input).</summary>
    internal static bool IsDeviceFailure(Exception exception) =>
        exception is AcceleratorException or InternalCompilerException or DllNotFoundException;
}
