using System.CommandLine;

namespace GpuSparse.Cli.Commands;

/// <summary>Builds the root command and its subcommands.</summary>
internal static class CommandLine
{
    public static RootCommand Create()
    {
        var root = new RootCommand(
            "GpuSparse: thousands of Lasso, Ridge and Elastic-Net problems solved at once.\n" +
            "Objective per problem: 1/(2n)·‖y − Xβ − b₀‖² + α·(r·‖β‖₁ + (1−r)/2·‖β‖²)  (scikit-learn's scaling).");
        root.Add(SolveCommand.Create());
        root.Add(ExampleCommand.Create());
        root.Add(InfoCommand.Create());
        root.Add(PlotCommand.Create());
        root.Add(AnomalyCommand.Create());
        root.Add(PathCommand.Create());
        root.Add(CvCommand.Create());
        return root;
    }
}
