namespace GpuSparse.Engines;

/// <summary>
/// The messages of coordinate descent, which counts sweeps: one text for the host engine and the device kernel,
/// so that their results compare equal message for message.
/// </summary>
internal static class CoordinateDescentMessages
{
    public static string Diverged(int problem, double objective, int sweep) =>
        $"problem {problem}: the objective became {objective:G6} at sweep {sweep} (the iteration diverged)";

    public static string FixedPoint(int problem, int sweep, double gap, double tolerance) =>
        $"problem {problem}: coordinate descent reached a fixed point at sweep {sweep} with gap {gap:E3} " +
        $"above the tolerance {tolerance:E3} (the rounding floor of the working precision)";

    public static string Cancelled(int problem, int sweeps) => $"problem {problem}: cancelled after {sweeps} sweeps";
}
