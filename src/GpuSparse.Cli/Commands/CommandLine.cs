using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace GpuSparse.Cli.Commands;

/// <summary>Builds the root command and its subcommands, and runs a command line under the exit-code contract.</summary>
internal static partial class CommandLine
{
    public static RootCommand Create()
    {
        var root = new RootCommand(
            "GpuSparse: thousands of Lasso, Ridge and Elastic-Net problems solved at once.\n" +
            "Objective per problem: 1/(2n)·‖y − Xβ − b₀‖² + α·(r·‖β‖₁ + (1−r)/2·‖β‖²)  (scikit-learn's scaling).\n" +
            "Exit codes: 0 all solved, 1 some problems invalid, diverged or cancelled, 2 bad usage or input, 3 an unforeseen error (a bug).");
        root.Add(SolveCommand.Create());
        root.Add(MergeCommand.Create());
        root.Add(PathCommand.Create());
        root.Add(CvCommand.Create());
        root.Add(PlotCommand.Create());
        root.Add(ExampleCommand.Create());
        root.Add(AnomalyCommand.Create());
        root.Add(InfoCommand.Create());
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>. A command line that does not parse exits 2 with one line naming the
    /// option or value at fault (and the closest option name), never the whole help text.
    /// </summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var parse = Create().Parse(args);
        if (parse.Errors.Count > 0)
        {
            stderr.WriteLine($"error: {ParseFailure(parse)}");
            return ExitCodes.BadInput;
        }
        // Ctrl-C is each command's own (it writes what finished), so the parser's handler stays out of the way.
        return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null });
    }

    /// <summary>The first thing wrong with a command line, as one sentence.</summary>
    internal static string ParseFailure(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        string where = command is RootCommand ? "gpusparse" : $"gpusparse {command.Name}";
        string help = $"(see {where} --help)";
        var subcommands = command.Subcommands.Select(c => c.Name).ToArray();
        foreach (string token in parse.UnmatchedTokens)
        {
            if (token.StartsWith('-'))
            {
                var names = command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith('-')).Distinct();
                return Closest(token, names) is { } near
                    ? $"unknown option '{token}' for '{where}'; did you mean '{near}'? {help}"
                    : $"unknown option '{token}' for '{where}' {help}";
            }
            if (subcommands.Length > 0)
                return Closest(token, subcommands) is { } near
                    ? $"unknown command '{token}'; did you mean '{near}'? {help}"
                    : $"unknown command '{token}'; the commands are {string.Join(", ", subcommands)} {help}";
            return $"unexpected argument '{token}' for '{where}' (every value follows its option, as --alpha 0.1) {help}";
        }
        if (command is RootCommand && parse.Tokens.Count == 0)
            return $"no command given; choose one of {string.Join(", ", subcommands)} {help}";
        var error = parse.Errors[0];
        string option = error.SymbolResult switch
        {
            OptionResult o => o.Option.Name,
            ArgumentResult { Parent: OptionResult o } => o.Option.Name,
            _ => "",
        };
        return Rephrase(error.Message, option) + " " + help;
    }

    // System.CommandLine's messages, reworded to name the option and fit on one line.
    private static string Rephrase(string message, string option)
    {
        if (NotAmong().Match(message) is { Success: true } among)
        {
            var choices = Quoted().Matches(among.Groups[2].Value).Select(m => m.Groups[1].Value);
            return $"{option}: '{among.Groups[1].Value}' is not one of {string.Join(", ", choices)}";
        }
        if (CannotParse().Match(message) is { Success: true } parse)
        {
            string kind = parse.Groups[3].Value switch
            {
                "System.Int32" or "System.Int64" => "a whole number",
                "System.UInt64" or "System.Nullable`1[System.UInt64]" => "a whole number ≥ 0",
                "System.Boolean" or "System.Nullable`1[System.Boolean]" => "true or false",
                _ => "a number",
            };
            return $"{parse.Groups[2].Value}: '{parse.Groups[1].Value}' is not {kind}";
        }
        if (Required().Match(message) is { Success: true } required)
            return $"option {required.Groups[1].Value} is required";
        string line = string.Join(" ", message.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return option.Length > 0 && !line.Contains(option, StringComparison.Ordinal) ? $"{option}: {line}" : line;
    }

    /// <summary>The name within edit distance 2 (or a third of the token) of <paramref name="token"/>, nearest first.</summary>
    internal static string? Closest(string token, IEnumerable<string> names)
    {
        var (best, distance) = (default(string), int.MaxValue);
        foreach (string name in names)
        {
            int d = EditDistance(token, name);
            if (d < distance || (d == distance && name.StartsWith(token, StringComparison.Ordinal)))
                (best, distance) = (name, d);
        }
        bool prefix = best is not null && token.Length >= 4 && best.StartsWith(token, StringComparison.Ordinal);
        return distance <= Math.Max(2, token.Length / 3) || prefix ? best : null;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                // a transposition of neighbours (--alpah) counts as one edit
                int transposition = i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] ? previous[j - 1] : int.MaxValue;
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), Math.Min(substitution, transposition));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    [GeneratedRegex(@"^Argument '(.*)' not recognized\. Must be one of:(.*)$", RegexOptions.Singleline)]
    private static partial Regex NotAmong();

    [GeneratedRegex(@"'([^']*)'")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"^Cannot parse argument '(.*)' for option '(.*)' as expected type '(.*)'\.", RegexOptions.Singleline)]
    private static partial Regex CannotParse();

    [GeneratedRegex(@"^Option '(.*)' is required\.")]
    private static partial Regex Required();
}
