using System.CommandLine;
using System.Numerics;
using GpuSparse.Anomaly;
using GpuSparse.Backends;
using GpuSparse.Cli.Anomaly;
using GpuSparse.Cli.Input;
using GpuSparse.Cli.Output;
using GpuSparse.Model;

namespace GpuSparse.Cli.Commands;

/// <summary>
/// <c>anomaly</c>: the worked example of robust sparse coding. A synthetic textured image with injected
/// defects is cut into w × w patches, all coded at once (one batch) against the low-frequency DCT atoms;
/// the error block s catches what the atoms cannot represent. Reports ROC-AUC and precision/recall of the
/// per-pixel scores, the throughput, and writes the image, the reconstruction and the anomaly map as PNG.
/// </summary>
internal static class AnomalyCommand
{
    public static Command Create()
    {
        var size = new Option<int>("--size") { Description = "side of the synthetic image in pixels", DefaultValueFactory = _ => 128 };
        var patch = new Option<int>("--patch") { Description = "patch side w (signals of length w²)", DefaultValueFactory = _ => 8 };
        var stride = new Option<int>("--stride") { Description = "step between patches (< w: overlapping patches, scores averaged)", DefaultValueFactory = _ => 4 };
        var maxFrequency = new Option<int>("--max-frequency") { Description = "keep the DCT atoms with u + v ≤ this", DefaultValueFactory = _ => 3 };
        var lambdaX = new Option<double>("--lambda-x") { Description = "λ_x, the L1 penalty on the code", DefaultValueFactory = _ => 1e-4 };
        var lambdaS = new Option<double>("--lambda-s") { Description = "λ_s, the L1 penalty on the anomaly; a pixel is flagged where its residual exceeds w²·λ_s", DefaultValueFactory = _ => 1.25e-3 };
        var noise = new Option<double>("--noise") { Description = "standard deviation of the image noise", DefaultValueFactory = _ => 0.02 };
        var spots = new Option<int>("--spots") { Description = "number of injected spots", DefaultValueFactory = _ => 8 };
        var scratches = new Option<int>("--scratches") { Description = "number of injected scratches", DefaultValueFactory = _ => 4 };
        var seed = new Option<int>("--seed") { Description = "seed of the synthetic scene", DefaultValueFactory = _ => 1 };
        var tol = CommonOptions.Tolerance();
        var maxIter = CommonOptions.MaxIterations();
        var precision = CommonOptions.Precision();
        var backendName = CommonOptions.Backend();
        var output = new Option<string?>("--out") { Description = "folder for image.png, reconstruction.png, anomaly.png, truth.png and result.json (created; written in full or not at all)" };
        var overwrite = CommonOptions.Overwrite();

        var command = new Command("anomaly",
            "Worked example: defects in a synthetic textured image found by robust sparse coding of its patches\n" +
            "(y = Dx + s per patch, D = low-frequency DCT atoms, all patches one batch).\n\n" +
            "Example:\n  gpusparse anomaly --size 128 --patch 8 --stride 4 --out anomaly/")
        {
            size, patch, stride, maxFrequency, lambdaX, lambdaS, noise, spots, scratches, seed, tol, maxIter, precision, backendName, output, overwrite,
        };
        command.SetAction(parse =>
        {
            var (stdout, stderr) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            return CommandFailures.Run(stderr, () =>
            {
                var request = new AnomalyRequest(parse.GetValue(size), parse.GetValue(patch), parse.GetValue(stride),
                    parse.GetValue(maxFrequency), new RobustCodingSettings { CodeLambda = parse.GetValue(lambdaX), AnomalyLambda = parse.GetValue(lambdaS) },
                    parse.GetValue(noise), parse.GetValue(spots), parse.GetValue(scratches), parse.GetValue(seed),
                    ModelArguments.Check(new SolverOptions { Tolerance = parse.GetValue(tol), MaxIterations = parse.GetValue(maxIter) }),
                    parse.GetValue(precision)!, parse.GetValue(output), parse.GetValue(overwrite));
                using var backend = SolverBackends.Create(parse.GetValue(backendName)!);
                return Run(request, backend, stdout, stderr);
            });
        });
        return command;
    }

    /// <summary>Everything an <c>anomaly</c> run asks for.</summary>
    internal sealed record AnomalyRequest(int Size, int Patch, int Stride, int MaxFrequency, RobustCodingSettings Penalties,
        double Noise, int Spots, int Scratches, int Seed, SolverOptions Options, string Precision, string? Output, bool Overwrite = false);

    /// <summary>The detection quality and speed of one run.</summary>
    internal sealed record AnomalyReport(int Patches, int Atoms, double RocAuc, double Precision, double Recall,
        double Seconds, double PatchesPerSecond, int Converged);

    internal static int Run(AnomalyRequest request, ISolverBackend backend, TextWriter stdout, TextWriter stderr) =>
        CommandFailures.Run(stderr, () =>
        {
            ModelArguments.Check(request.Options);
            request.Penalties.Validate();
            using var folder = request.Output is { } path ? ResultFolder.Prepare(path, request.Overwrite) : null;
            var report = request.Precision == "f32" ? Detect<float>(request, backend, folder) : Detect<double>(request, backend, folder);
            stdout.WriteLine($"{report.Patches} patches of {request.Patch}×{request.Patch}, {report.Atoms} DCT atoms (u + v ≤ {request.MaxFrequency}), " +
                $"one batch on {backend.Name} ({request.Precision}): {report.Seconds:F3} s, {report.PatchesPerSecond:F0} patches/s, " +
                $"{report.Converged} converged");
            stdout.WriteLine($"per-pixel ROC-AUC {report.RocAuc:F4}; flagged where the score > 0: precision {report.Precision:F3}, recall {report.Recall:F3}");
            if (folder is not null)
                stdout.WriteLine($"images in {request.Output}: image.png, reconstruction.png, anomaly.png, truth.png");
            if (report.Converged < report.Patches)
                stderr.WriteLine($"warning: {report.Patches - report.Converged} patch(es) did not converge to --tol {request.Options.Tolerance}");
            return ExitCodes.Success;
        });

    internal static AnomalyReport Detect<T>(AnomalyRequest request, ISolverBackend backend, ResultFolder? folder = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var scene = DefectScene.Generate(request.Size, request.Noise, request.Spots, request.Scratches, request.Seed);
        var dictionary = CodingDictionary.Dct2D(request.Patch, request.MaxFrequency);
        var grid = new PatchGrid(request.Size, request.Size, request.Patch, request.Stride);
        var patches = grid.Extract<T>(scene.Image);

        var coded = RobustSparseCoding.Solve<T>(backend, dictionary, patches, request.Penalties, request.Options);

        // Per-pixel score: |s| averaged over the patches covering the pixel.
        var scores = grid.Stitch((k, e) => Math.Abs(coded.Anomaly(k)[e]));
        var reconstruction = grid.Stitch((k, e) => coded.Reconstruction(k)[e]);
        double auc = DetectionMetrics.RocAuc(scores, scene.Defects);
        var (precision, recall) = DetectionMetrics.PrecisionRecall(scores, scene.Defects, 0);
        double seconds = coded.Solve.Elapsed.TotalSeconds;
        var report = new AnomalyReport(coded.Count, dictionary.Count, auc, precision, recall, seconds, coded.Count / seconds,
            coded.Solve.CountWith(ProblemStatus.Converged));
        folder?.Commit(() =>
        {
            const int scale = 3;
            int n = request.Size;
            PngWriter.WriteGray(folder.PathOf("image.png"), scene.Image, n, n, 0, 1, scale);
            PngWriter.WriteGray(folder.PathOf("reconstruction.png"), reconstruction, n, n, 0, 1, scale);
            PngWriter.WriteGray(folder.PathOf("anomaly.png"), scores, n, n, 0, scores.Max(), scale);
            PngWriter.WriteGray(folder.PathOf("truth.png"), [.. scene.Defects.Select(d => d ? 1.0 : 0.0)], n, n, 0, 1, scale);
            ResultJson.Write(folder.PathOf("result.json"), new { Command = "anomaly", ResultJson.Tool, Backend = backend.Name, request.Precision, Report = report });
        });
        return report;
    }
}
