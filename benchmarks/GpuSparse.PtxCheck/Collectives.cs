using System.Text.RegularExpressions;
using GpuSparse.Kernels;

namespace GpuSparse.PtxCheck;

/// <summary>
/// The warp collectives (<c>shfl.sync</c>, <c>bar.warp.sync</c>, <c>vote</c>/<c>match</c>/<c>redux.sync</c>) and CTA
/// barriers (<c>bar.sync</c>, <c>bar.red</c>, <c>barrier</c>) of one kernel's PTX, checked for the forms whose behaviour
/// on sm_70+ does not depend on which threads reach them: a collective of the whole warp (membermask 0xffffffff, the
/// constant ILGPU 1.5.3 emits) and barrier 0 of all the block's threads (no thread count: exited threads then release
/// it), neither predicated, in a kernel launched in whole warps. Whether every lane of a warp reaches each one is a property of the control
/// flow, which the PTX does not show soundly (the branch conditions are loaded values): docs/gpu-proof.md, section 6.
/// </summary>
internal sealed partial record Collectives(int Shuffles, int WarpBarriers, int BlockBarriers)
{
    /// <summary>The counts; throws when a collective or barrier has another form, or the kernel is not launched in whole warps.</summary>
    public static Collectives Of(string ptx, KernelEntry kernel) => Of(ptx, kernel.ExplicitlyGrouped, kernel.GroupSize);

    /// <summary>
    /// Throws unless <see cref="Of(string, KernelEntry)"/> rejects each unsafe form (a partial mask, a thread count, a
    /// predicated barrier, a barrier in an auto-grouped kernel, collectives in groups of part warps): the check can fail.
    /// </summary>
    public static void RejectsTheUnsafeForms()
    {
        (string Ptx, bool Explicit, int Group)[] unsafeForms =
        [
            ("\tshfl.sync.idx.b32\t%r1, %r2, %r3, 31, 65535;", true, 32),
            ("\tbar.warp.sync\t255;", true, 32),
            ("\tbar.sync\t0, 64;", true, 128),
            ("\tbar.red.or.pred\t%p1, 1, %p2;", true, 128),
            ("\t@%p3 bar.sync\t0;", true, 128),
            ("\tbar.sync\t0;", false, 0),
            ("\tshfl.sync.bfly.b32\t%r1, %r2, 16, 31, 4294967295;", true, 48),
        ];
        foreach (var (ptx, explicitlyGrouped, group) in unsafeForms)
        {
            bool rejected;
            try
            {
                Of(ptx, explicitlyGrouped, group);
                rejected = false;
            }
            catch (InvalidOperationException)
            {
                rejected = true;
            }
            if (!rejected)
                throw new InvalidOperationException($"the collectives check accepts '{ptx.Trim()}' (group {group})");
        }
        var safe = Of("\tshfl.sync.bfly.b32\t%r1, %r2, 16, 31, 4294967295;\n\tbar.warp.sync\t4294967295;\n\tbar.red.or.pred\t%p1, 0, %p2;\n\tbar.sync\t0;", true, 64);
        if (safe != new Collectives(1, 1, 2))
            throw new InvalidOperationException($"the collectives check counts {safe} in a sample of 1 / 1 / 2");
    }

    private static Collectives Of(string ptx, bool explicitlyGrouped, int groupSize)
    {
        int shuffles = 0, warpBarriers = 0, blockBarriers = 0;
        foreach (Match m in InstructionPattern().Matches(ptx))
        {
            string opcode = m.Groups["op"].Value;
            // a predicated one is reached by the threads whose predicate holds, whatever the control flow
            if (m.Groups["guard"].Success)
                throw new InvalidOperationException($"'{m.Value.Trim()}' is predicated");
            string[] operands = m.Groups["operands"].Value.Split(',', StringSplitOptions.TrimEntries);
            if (opcode.StartsWith("bar.sync", StringComparison.Ordinal) || opcode.StartsWith("bar.red", StringComparison.Ordinal)
                || opcode.StartsWith("barrier.", StringComparison.Ordinal))
            {
                // bar.sync a | bar.red.op d, a, c: one operand more would be a thread count
                int expected = opcode.StartsWith("bar.red", StringComparison.Ordinal) || opcode.StartsWith("barrier.red", StringComparison.Ordinal) ? 3 : 1;
                int barrier = opcode.StartsWith("bar.red", StringComparison.Ordinal) || opcode.StartsWith("barrier.red", StringComparison.Ordinal) ? 1 : 0;
                if (operands.Length != expected || operands[barrier] != "0")
                    throw new InvalidOperationException($"CTA barrier '{m.Value.Trim()}' is not barrier 0 of every thread of the block");
                blockBarriers++;
                continue;
            }
            // the membermask is the last operand of every .sync warp collective
            if (operands[^1] is not ("4294967295" or "0xffffffff" or "0xFFFFFFFF" or "-1"))
                throw new InvalidOperationException($"warp collective '{m.Value.Trim()}' does not name the whole warp");
            if (opcode.StartsWith("shfl", StringComparison.Ordinal))
                shuffles++;
            else
                warpBarriers++;
        }
        if (shuffles + warpBarriers + blockBarriers > 0 && !explicitlyGrouped)
            throw new InvalidOperationException("an auto-grouped kernel (its threads past the extent exit first) synchronises its warp or block");
        if (shuffles + warpBarriers > 0 && groupSize % H200.WarpSize != 0)
            throw new InvalidOperationException($"a kernel with warp collectives is launched in groups of {groupSize}, not whole warps");
        return new Collectives(shuffles, warpBarriers, blockBarriers);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Shuffles} / {WarpBarriers} / {BlockBarriers}";

    [GeneratedRegex(@"^\s*(?<guard>@!?%p\d+\s+)?(?<op>(?:shfl\.sync|bar\.warp\.sync|vote\.sync|vote\.[a-z]+\.sync|match\.[a-z]+\.sync|redux\.sync|bar\.sync|bar\.red|barrier\.)[a-z0-9.]*)\s+(?<operands>[^;]*);", RegexOptions.Multiline)]
    private static partial Regex InstructionPattern();
}
