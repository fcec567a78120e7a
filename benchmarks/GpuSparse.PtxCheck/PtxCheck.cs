using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using GpuSparse.Kernels;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace GpuSparse.PtxCheck;

/// <summary>
/// Compiles every kernel of <see cref="KernelCatalog.All"/> with ILGPU's PTX backend for sm_90 (no device or
/// driver needed), assembles each with <c>ptxas -arch=sm_90 -v</c>, and writes the resource table (registers,
/// spills, shared memory, estimated H200 occupancy) as Markdown. Fails when a kernel does not compile or
/// assemble, or spills.
/// </summary>
internal static partial class PtxCheck
{
    /// <summary>Runs the check; returns the process exit code (0 when every kernel assembled without spills).</summary>
    public static int Run(ToolOptions options)
    {
        string ptxas = options.Required("ptxas");
        string ptxDirectory = options.Required("ptx-dir");
        string report = options.Required("report");
        // --max-registers N caps ptxas's register allocation (-maxrregcount): forces spills, to see the check fail
        int maxRegisters = options.Integer("max-registers", 0);
        string[] ptxasLimit = maxRegisters > 0 ? [$"-maxrregcount={maxRegisters}"] : [];
        string? disassembler = Path.Combine(Path.GetDirectoryName(ptxas) ?? ".", "nvdisasm");
        if (!File.Exists(disassembler))
            disassembler = null;
        Directory.CreateDirectory(ptxDirectory);
        try
        {
            Collectives.RejectsTheUnsafeForms();
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine($"ptx: {e.Message}");
            return 1;
        }

        // The context the backend's CUDA accelerator uses (IlgpuBackend: Math(MathMode.Default)); PTX ISA 7.8 is
        // the lowest that targets sm_90 and the highest CUDA 11.8's ptxas reads.
        using var context = Context.Create(builder => builder.Math(MathMode.Default));
        using var backend = new PTXBackend(context, CudaArchitecture.SM_90, CudaInstructionSet.ISA_78, null!);

        var rows = new List<Row>();
        var failures = new List<string>();
        foreach (var kernel in KernelCatalog.All)
        {
            try
            {
                rows.Add(Check(kernel, backend, ptxas, ptxasLimit, disassembler, ptxDirectory));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failures.Add($"{kernel.Name}: {e.GetType().Name}: {e.Message}");
                Console.Error.WriteLine($"ptx: {kernel.Name} FAILED: {e.Message}");
            }
        }
        long spillBytes = rows.Sum(r => (long)r.SpillStores + r.SpillLoads);
        string summary = $"ptx: {rows.Count} kernels assembled for sm_90, {spillBytes} spill bytes";
        File.WriteAllText(report, Markdown(rows, failures, ptxas, summary));
        foreach (var row in rows)
            Console.WriteLine($"  {row.Kernel.Name}: {row.Registers} registers, {row.SpillStores}+{row.SpillLoads} spill bytes, " +
                $"{row.SharedBytes} B shared, {row.ParameterBytes} B parameters, occupancy {row.Occupancy.Fraction:P0} ({row.Occupancy.LimitedBy})");
        foreach (var failure in failures)
            Console.WriteLine($"  FAILED {failure}");
        Console.WriteLine(summary);
        return failures.Count == 0 && spillBytes == 0 ? 0 : 1;
    }

    private static Row Check(KernelEntry kernel, PTXBackend backend, string ptxas, string[] ptxasLimit, string? disassembler, string directory)
    {
        var entry = kernel.ExplicitlyGrouped
            ? EntryPointDescription.FromExplicitlyGroupedKernel(kernel.Method)
            : EntryPointDescription.FromImplicitlyGroupedKernel(kernel.Method);
        // With the launch bounds the backend loads it with (most kernels none: no .maxntid).
        var compiled = (PTXCompiledKernel)backend.Compile(entry, kernel.Specialization);
        string ptxPath = Path.Combine(directory, FileName(kernel.Name) + ".ptx");
        string cubinPath = Path.ChangeExtension(ptxPath, ".cubin");
        File.WriteAllText(ptxPath, compiled.PTXAssembly);

        string log = Execute(ptxas, ["-arch=sm_90", "-v", .. ptxasLimit, "-o", cubinPath, ptxPath]);
        File.WriteAllText(Path.ChangeExtension(ptxPath, ".ptxas.txt"), log);
        // The entry's own line: "Function properties for <entry>" then "N bytes stack frame, N bytes spill stores, …",
        // and "Used N registers, [N bytes smem, ]N bytes cmem[0]".
        var used = UsedPattern().Matches(log);
        var frame = FramePattern().Matches(log);
        if (used.Count == 0 || frame.Count == 0)
            throw new InvalidOperationException($"ptxas printed no resource usage for {ptxPath}:\n{log}");
        int registers = used.Max(m => Int(m.Groups["registers"]));
        int staticShared = used.Max(m => m.Groups["smem"].Success ? Int(m.Groups["smem"]) : 0);
        int stack = frame.Max(m => Int(m.Groups["stack"]));
        int spillStores = frame.Sum(m => Int(m.Groups["stores"]));
        int spillLoads = frame.Sum(m => Int(m.Groups["loads"]));
        int shared = staticShared + kernel.SharedMemoryBytes;
        if (shared > H200.SharedMemoryPerLaunch)
            throw new InvalidOperationException($"{shared} bytes of shared memory exceed the {H200.SharedMemoryPerLaunch} a launch " +
                "gets without opting in (ILGPU 1.5.3 cannot)");
        var collectives = Collectives.Of(compiled.PTXAssembly, kernel);
        int parameterBytes = ParameterBytes(compiled.PTXAssembly);
        if (parameterBytes > H200.ParameterBytes)
            throw new InvalidOperationException($"{parameterBytes} bytes of kernel parameters exceed the {H200.ParameterBytes} a launch takes");
        var occupancy = kernel.GroupSize > 0
            ? Occupancy.Of(kernel.GroupSize, registers, shared)
            : Occupancy.Best(registers, shared);
        if (occupancy.BlocksPerSm == 0)
            throw new InvalidOperationException($"cannot launch on an H200: {occupancy.LimitedBy} exceeded " +
                $"({registers} registers, {shared} bytes shared memory, {occupancy.GroupSize} threads)");
        var sass = disassembler is null ? null : CountSass(Execute(disassembler, ["-c", cubinPath]));
        // The same PTX with contraction off: the FMAs ptxas fuses from ILGPU's separate mul/add (no .rn on them).
        int? unfused = null;
        if (disassembler is not null)
        {
            string unfusedPath = Path.ChangeExtension(ptxPath, ".nofma.cubin");
            Execute(ptxas, ["-arch=sm_90", "--fmad=false", "-o", unfusedPath, ptxPath]);
            unfused = CountSass(Execute(disassembler, ["-c", unfusedPath])).GetValueOrDefault("FMA");
        }
        // Floating-point max/min: PTX returns the non-NaN operand where .NET returns NaN.
        int maxMin = FloatMaxMinPattern().Count(compiled.PTXAssembly);
        return new Row(kernel, registers, spillStores, spillLoads, stack, staticShared, shared, occupancy, sass, unfused, maxMin, collectives, parameterBytes);
    }

    /// <summary>The bytes of the entry's parameters, each at its alignment (<c>.align</c>, else its own size), in order.</summary>
    private static int ParameterBytes(string ptx)
    {
        var entry = EntryPattern().Match(ptx);
        if (!entry.Success)
            throw new InvalidOperationException("no .entry in the PTX");
        int bytes = 0;
        foreach (Match parameter in ParameterPattern().Matches(entry.Groups["parameters"].Value))
        {
            int size = (parameter.Groups["count"].Success ? Int(parameter.Groups["count"]) : 1) * Int(parameter.Groups["bits"]) / 8;
            int alignment = parameter.Groups["align"].Success ? Int(parameter.Groups["align"]) : size;
            bytes = (bytes + alignment - 1) / alignment * alignment + size;
        }
        return bytes;
    }

    /// <summary>Counts of the SASS instruction classes that show how a kernel uses the machine.</summary>
    private static Dictionary<string, int> CountSass(string sass)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Match m in OpcodePattern().Matches(sass))
        {
            string opcode = m.Groups["op"].Value;
            string? group = opcode switch
            {
                "DFMA" or "FFMA" => "FMA",
                "LDG" => "LDG",
                "STG" => "STG",
                "LDS" => "LDS",
                "STS" => "STS",
                "LD" or "ST" => "LD/ST (generic)",
                "SHFL" => "SHFL",
                "BAR" => "BAR",
                _ => null,
            };
            if (group is not null)
                counts[group] = counts.GetValueOrDefault(group) + 1;
        }
        return counts;
    }

    private static string Markdown(List<Row> rows, List<string> failures, string ptxas, string summary)
    {
        var text = new StringBuilder();
        text.AppendLine("# PTX check: every kernel specialisation assembled for sm_90 (H200)");
        text.AppendLine();
        text.AppendLine($"Written by `benchmarks/gpu/ptx-check.sh` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. ILGPU " +
            $"{typeof(Context).Assembly.GetName().Version} `PTXBackend` (sm_90, PTX ISA 7.8, no device), then " +
            $"`{Path.GetFileName(ptxas)} -arch=sm_90 -v` ({PtxasVersion(ptxas)}).");
        text.AppendLine();
        text.AppendLine("Occupancy is estimated by the CUDA rules for cc 9.0: 64K registers/SM allocated per warp in units of 256, " +
            "228 KB shared memory/SM (227 KB per block, 1 KB reserved per block, 128-byte units), 2048 threads and 32 blocks/SM. " +
            "Shared memory is ptxas's static figure plus the catalog's dynamic bytes. Auto-grouped kernels (group \"auto\") are " +
            "shown at the block size ILGPU's auto-grouping would pick (the largest with the highest occupancy). SASS counts " +
            "(from `nvdisasm`, next to ptxas) are static instruction counts, not executed ones. ILGPU writes `.target sm_80` (the lowest " +
            "architecture with the capabilities it uses) even for an sm_90 device, and the driver assembles that PTX for the device " +
            "it runs on: `ptxas -arch=sm_90` here does the same. ILGPU emits `mul`/`add` without `.rn`, which ptxas may contract into " +
            "FMAs (as the driver's JIT does): the FMA column shows the count as assembled and, in brackets, with `--fmad=false`; those " +
            "left are the correctly rounded division and square-root sequences, so the difference is the mul/add pairs fused. \"PTX max/min.f\" counts floating-point max/min instructions, which return the non-NaN operand where .NET " +
            "returns NaN: each one must be NaN-safe by construction (docs/gpu-proof.md). The last column counts the PTX warp " +
            "collectives and CTA barriers; the check fails unless every warp collective names the whole warp (membermask " +
            "0xffffffff), every CTA barrier is barrier 0 of all the block's threads (no thread count), auto-grouped kernels (whose " +
            "out-of-range threads exit first) have none, explicitly grouped ones are launched in whole warps, and static + " +
            "dynamic shared memory stays within the 48 KB a launch gets without opting in and the parameters within 4 KB " +
            "(docs/gpu-proof.md, section 6).");
        text.AppendLine();
        text.AppendLine("| kernel | shape | group | registers | spill bytes (stores+loads) | stack | shared memory (static+dynamic) | blocks/SM | occupancy | limited by | SASS FMA (with --fmad=false) | LDG/STG | LDS/STS | generic LD/ST | SHFL | BAR | PTX max/min.f | PTX shfl.sync / bar.warp.sync / bar.sync+red |");
        text.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            string group = r.Kernel.GroupSize > 0 ? r.Kernel.GroupSize.ToString(CultureInfo.InvariantCulture) : $"auto ({r.Occupancy.GroupSize})";
            int Count(string key) => r.Sass?.GetValueOrDefault(key) ?? 0;
            string sass = r.Sass is null ? "n/a | n/a | n/a | n/a | n/a | n/a"
                : $"{Count("FMA")} ({r.UnfusedFma}) | {Count("LDG")}/{Count("STG")} | {Count("LDS")}/{Count("STS")} | {Count("LD/ST (generic)")} | {Count("SHFL")} | {Count("BAR")}";
            text.AppendLine($"| `{r.Kernel.Name}` | {r.Kernel.Shape} | {group} | {r.Registers} | {r.SpillStores}+{r.SpillLoads} | {r.Stack} | " +
                $"{r.StaticShared}+{r.Kernel.SharedMemoryBytes} | {r.Occupancy.BlocksPerSm} | {r.Occupancy.Fraction:P0} | {r.Occupancy.LimitedBy} | {sass} | {r.FloatMaxMin} | {r.Collectives} |");
        }
        if (failures.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("## Failures");
            text.AppendLine();
            foreach (var failure in failures)
                text.AppendLine($"- {failure.ReplaceLineEndings(" ")}");
        }
        text.AppendLine();
        text.AppendLine(summary);
        return text.ToString();
    }

    private static string PtxasVersion(string ptxas)
    {
        var match = Regex.Match(Execute(ptxas, ["--version"]), @"release [0-9.]+, V[0-9.]+");
        return match.Success ? "CUDA " + match.Value : "version unknown";
    }

    /// <summary>Runs a tool; returns stdout and stderr together; throws when it exits non-zero.</summary>
    private static string Execute(string tool, string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {tool}");
        var stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        output += stderr.Result;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(tool)} {string.Join(' ', arguments)} exited {process.ExitCode}:\n{output}");
        return output;
    }

    /// <summary>The kernel's name with every character but letters, digits, '.' and '-' replaced by '-'.</summary>
    private static string FileName(string name) => UnsafeFileCharacters().Replace(name, "-");

    [GeneratedRegex(@"[^A-Za-z0-9.\-]")]
    private static partial Regex UnsafeFileCharacters();

    private static int Int(System.Text.RegularExpressions.Group group) => int.Parse(group.Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Used (?<registers>\d+) registers(?:, (?<smem>\d+) bytes smem)?")]
    private static partial Regex UsedPattern();

    [GeneratedRegex(@"(?<stack>\d+) bytes stack frame, (?<stores>\d+) bytes spill stores, (?<loads>\d+) bytes spill loads")]
    private static partial Regex FramePattern();

    [GeneratedRegex(@"/\*[0-9a-f]{4,}\*/\s+(?:@!?U?P[0-9T]+\s+)?(?<op>[A-Z][A-Z0-9]*)")]
    private static partial Regex OpcodePattern();

    [GeneratedRegex(@"\.entry\s+\w+\s*\((?<parameters>[^)]*)\)")]
    private static partial Regex EntryPattern();

    [GeneratedRegex(@"\.param\s+(?:\.align\s+(?<align>\d+)\s+)?\.[busf](?<bits>\d+)\s+\w+(?:\[(?<count>\d+)\])?")]
    private static partial Regex ParameterPattern();

    [GeneratedRegex(@"\b(?:max|min)(?:\.[a-z]+)*\.f(?:32|64)\b")]
    private static partial Regex FloatMaxMinPattern();

    private sealed record Row(KernelEntry Kernel, int Registers, int SpillStores, int SpillLoads, int Stack,
        int StaticShared, int SharedBytes, Occupancy Occupancy, Dictionary<string, int>? Sass, int? UnfusedFma, int FloatMaxMin,
        Collectives Collectives, int ParameterBytes);
}
