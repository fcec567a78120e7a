using System.Reflection;
using ScottPlot;
using SkiaSharp;

namespace GpuSparse.Cli.Plots;

/// <summary>
/// Makes every plot draw its text with the DejaVu Sans font embedded in this assembly, so labels render on
/// a machine with no fonts installed (a container, CI) exactly as on a desktop.
/// </summary>
internal static class PlotFont
{
    /// <summary>The family name plots ask for.</summary>
    public const string Family = "DejaVu Sans";

    private static readonly Lazy<SKTypeface> Typeface = new(Load);
    private static readonly object Gate = new();
    private static bool _installed;

    /// <summary>Registers the embedded font with ScottPlot (once) and makes it the default.</summary>
    public static void Install()
    {
        lock (Gate)
        {
            if (_installed)
                return;
            Fonts.FontResolvers.Insert(0, new EmbeddedResolver());
            Fonts.Default = Family;
            Fonts.Sans = Family;
            _installed = true;
        }
    }

    /// <summary>Sets every text element of <paramref name="plot"/> to the embedded font.</summary>
    public static void Apply(Plot plot)
    {
        Install();
        plot.Font.Set(Family);
        plot.Legend.FontName = Family;
    }

    private static SKTypeface Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("GpuSparse.Cli.Fonts.DejaVuSans.ttf")
            ?? throw new InvalidOperationException("the embedded font GpuSparse.Cli.Fonts.DejaVuSans.ttf is missing from the build");
        using var data = SKData.Create(stream);
        return SKTypeface.FromData(data)
            ?? throw new InvalidOperationException("the embedded font GpuSparse.Cli.Fonts.DejaVuSans.ttf could not be loaded");
    }

    /// <summary>Answers every request (any family, weight or slant) with the one embedded regular face.</summary>
    private sealed class EmbeddedResolver : IFontResolver
    {
        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) => Typeface.Value;

        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) => Typeface.Value;
    }
}
