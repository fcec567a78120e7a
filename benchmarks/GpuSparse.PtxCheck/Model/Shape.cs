namespace GpuSparse.PtxCheck.Model;

/// <summary>One problem's shape: n samples, p features, the working precision's size in bytes, and whether all problems share one X.</summary>
internal readonly record struct Shape(int Samples, int Features, int ScalarBytes, bool SharedDesign = false)
{
    /// <summary>n.</summary>
    public double N => Samples;

    /// <summary>p.</summary>
    public double P => Features;

    /// <summary>s, bytes per scalar of the working precision.</summary>
    public double S => ScalarBytes;

    /// <summary>"64 × 32 float64".</summary>
    public override string ToString() => $"{Samples} × {Features} float{8 * ScalarBytes}{(SharedDesign ? ", shared X" : "")}";
}
