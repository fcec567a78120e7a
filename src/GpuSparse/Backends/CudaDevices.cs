using ILGPU;
using ILGPU.Runtime.Cuda;

namespace GpuSparse.Backends;

/// <summary>The CUDA devices of this machine, as ILGPU numbers them, for choosing and listing devices.</summary>
public static class CudaDevices
{
    private static readonly Lazy<IReadOnlyList<string>> Found = new(Probe);

    /// <summary>The name of each CUDA device, by index; empty without a driver or device.</summary>
    public static IReadOnlyList<string> Names => Found.Value;

    private static IReadOnlyList<string> Probe()
    {
        try
        {
            using var context = Context.Create(builder => builder.Cuda());
            var devices = context.GetCudaDevices();
            var names = new string[devices.Count];
            for (int i = 0; i < names.Length; i++)
                names[i] = devices[i].Name;
            return names;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or CudaException or NotSupportedException)
        {
            return [];
        }
    }
}
