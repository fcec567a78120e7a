namespace GpuSparse.Cli.Anomaly;

/// <summary>
/// A synthetic inspection image: a smooth texture (a sum of oriented sinusoids with periods of 20–40 pixels,
/// which low-frequency 8 × 8 DCT atoms represent well) plus Gaussian noise, with injected defects (small
/// bright or dark spots and thin scratches, which they do not). <see cref="Defects"/> marks the defect pixels.
/// </summary>
internal sealed class DefectScene
{
    private DefectScene(int size, double[] image, bool[] defects)
    {
        Size = size;
        Image = image;
        Defects = defects;
    }

    /// <summary>Side of the square image.</summary>
    public int Size { get; }

    /// <summary>The observed image, row-major.</summary>
    public double[] Image { get; }

    /// <summary>Ground truth: true on the pixels a defect changed.</summary>
    public bool[] Defects { get; }

    /// <summary>Generates a scene; the same seed gives the same scene.</summary>
    public static DefectScene Generate(int size, double noise, int spots, int scratches, int seed)
    {
        var random = new Random(seed);
        var image = new double[size * size];
        var defects = new bool[size * size];
        var waves = Enumerable.Range(0, 3).Select(_ => (
            Amplitude: 0.15 + 0.1 * random.NextDouble(),
            Angle: Math.PI * random.NextDouble(),
            Period: 20 + 20 * random.NextDouble(),
            Phase: 2 * Math.PI * random.NextDouble())).ToArray();
        for (int r = 0; r < size; r++)
            for (int c = 0; c < size; c++)
            {
                // 0.5 + Σ aₖ·sin(2π(r·cos θₖ + c·sin θₖ)/Pₖ + φₖ) + σ·ε
                double v = 0.5 + noise * Gaussian(random);
                foreach (var w in waves)
                    v += w.Amplitude * Math.Sin(2 * Math.PI * (r * Math.Cos(w.Angle) + c * Math.Sin(w.Angle)) / w.Period + w.Phase);
                image[r * size + c] = v;
            }
        for (int s = 0; s < spots; s++)
        {
            double radius = 1 + random.NextDouble();
            double amplitude = Signed(random, 0.3, 0.5);
            int cr = random.Next(4, size - 4), cc = random.Next(4, size - 4);
            for (int r = cr - 2; r <= cr + 2; r++)
                for (int c = cc - 2; c <= cc + 2; c++)
                    if ((r - cr) * (r - cr) + (c - cc) * (c - cc) <= radius * radius)
                        Mark(image, defects, size, r, c, amplitude);
        }
        for (int s = 0; s < scratches; s++)
        {
            double amplitude = Signed(random, 0.25, 0.4);
            double angle = Math.PI * random.NextDouble();
            int length = random.Next(12, 25);
            double r0 = random.Next(length, size - length), c0 = random.Next(length, size - length);
            var visited = new HashSet<(int, int)>();
            for (int t = 0; t < length; t++)
            {
                var pixel = ((int)Math.Round(r0 + t * Math.Sin(angle)), (int)Math.Round(c0 + t * Math.Cos(angle)));
                if (visited.Add(pixel))
                    Mark(image, defects, size, pixel.Item1, pixel.Item2, amplitude);
            }
        }
        return new DefectScene(size, image, defects);
    }

    private static void Mark(double[] image, bool[] defects, int size, int r, int c, double amplitude)
    {
        if (r < 0 || r >= size || c < 0 || c >= size)
            return;
        image[r * size + c] += amplitude;
        defects[r * size + c] = true;
    }

    private static double Signed(Random random, double low, double high) =>
        (random.Next(2) == 0 ? -1 : 1) * (low + (high - low) * random.NextDouble());

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
