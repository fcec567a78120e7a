using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using GpuSparse.Model;
using Xunit;
using Xunit.Abstractions;

namespace GpuSparse.Tests.Architecture;

/// <summary>
/// The namespaces of the GpuSparse assembly form layers: the graph of "a type of namespace A uses a type of namespace
/// B" (in signatures, fields, base types and method bodies, read from the compiled IL) has no cycle, and the command
/// line reaches the library through its public API only.
/// </summary>
public sealed class NamespaceDependencyTests(ITestOutputHelper output)
{
    private static readonly Assembly Library = typeof(ProblemBatch<>).Assembly;

    [Fact]
    public void TheNamespaceGraphOfTheLibraryHasNoCycle()
    {
        var graph = NamespaceGraph.Of(Library);
        foreach (var (from, targets) in graph.Edges.OrderBy(e => e.Key))
            output.WriteLine($"{from} → {string.Join(", ", targets.Keys.Order())}");
        // the graph is read (a dependency every layout has), so an empty graph cannot pass for an acyclic one
        Assert.Contains("GpuSparse.Preparation", graph.Edges["GpuSparse.Backends"].Keys);
        var cycles = NamespaceGraph.Cycles(graph.Edges.ToDictionary(e => e.Key, e => (IEnumerable<string>)e.Value.Keys));
        Assert.True(cycles.Count == 0, "namespace cycles:\n" + string.Join("\n", cycles.Select(cycle =>
            string.Join("; ", cycle.SelectMany(from => graph.Edges[from].Where(edge => cycle.Contains(edge.Key))
                .Select(edge => $"{from} → {edge.Key} ({edge.Value})"))))));
    }

    [Fact]
    public void TheCycleFinderFindsACycleAndOnlyACycle()
    {
        var cyclic = new Dictionary<string, IEnumerable<string>> { ["A"] = ["B"], ["B"] = ["C"], ["C"] = ["A"], ["D"] = ["A"] };
        var cycle = Assert.Single(NamespaceGraph.Cycles(cyclic));
        Assert.Equal(["A", "B", "C"], cycle.Order());
        Assert.Empty(NamespaceGraph.Cycles(new Dictionary<string, IEnumerable<string>> { ["A"] = ["B"], ["B"] = ["C"], ["D"] = ["A", "C"] }));
    }

    [Fact]
    public void TheCommandLineSeesNoInternals()
    {
        var friends = Library.GetCustomAttributes<InternalsVisibleToAttribute>().Select(a => a.AssemblyName).ToArray();
        Assert.DoesNotContain("GpuSparse.Cli", friends);
    }
}

/// <summary>The namespace dependency graph of an assembly, from its metadata and IL.</summary>
internal sealed class NamespaceGraph
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(code => code.Value);

    private readonly Assembly _assembly;

    private NamespaceGraph(Assembly assembly) => _assembly = assembly;

    /// <summary>For each namespace, the namespaces it uses, each with one example use (type → type).</summary>
    public Dictionary<string, Dictionary<string, string>> Edges { get; } = [];

    public static NamespaceGraph Of(Assembly assembly)
    {
        var graph = new NamespaceGraph(assembly);
        foreach (var type in assembly.GetTypes())
            graph.Read(type);
        return graph;
    }

    /// <summary>The strongly connected components of more than one node (Tarjan): each is a cycle or several.</summary>
    public static List<HashSet<string>> Cycles(IReadOnlyDictionary<string, IEnumerable<string>> edges)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var found = new List<HashSet<string>>();
        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in edges.TryGetValue(node, out var targets) ? targets : [])
            {
                if (!index.ContainsKey(next))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (onStack.Contains(next))
                    low[node] = Math.Min(low[node], index[next]);
            }
            if (low[node] != index[node])
                return;
            var component = new HashSet<string>();
            string member;
            do
            {
                member = stack.Pop();
                onStack.Remove(member);
                component.Add(member);
            }
            while (member != node);
            if (component.Count > 1)
                found.Add(component);
        }
        foreach (var node in edges.Keys.ToArray())
            if (!index.ContainsKey(node))
                Visit(node);
        return found;
    }

    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is { } outer)
            type = outer;
        return type;
    }

    private void Read(Type type)
    {
        var from = Outermost(type);
        if (from.Namespace is null)
            return;
        void Use(Type? used) => Add(from, used, 0);
        Use(type.BaseType);
        foreach (var face in type.GetInterfaces())
            Use(face);
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var field in type.GetFields(all))
            Use(field.FieldType);
        foreach (var property in type.GetProperties(all))
            Use(property.PropertyType);
        foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            if (method is MethodInfo info)
                Use(info.ReturnType);
            foreach (var parameter in method.GetParameters())
                Use(parameter.ParameterType);
            ReadBody(from, type, method);
        }
    }

    private void ReadBody(Type from, Type type, MethodBase method)
    {
        MethodBody? body;
        try
        {
            body = method.GetMethodBody();
        }
        catch (InvalidOperationException)
        {
            return;
        }
        if (body?.GetILAsByteArray() is not { } il)
            return;
        foreach (var local in body.LocalVariables)
            Add(from, local.LocalType, 0);
        var typeArguments = type.IsGenericType ? type.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int at = 0; at < il.Length;)
        {
            short value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            at += il[at] == 0xFE ? 2 : 1;
            var code = OpCodesByValue[value];
            int operand = code.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
                _ => 4,
            };
            if (code.OperandType is OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType)
            {
                try
                {
                    switch (method.Module.ResolveMember(BitConverter.ToInt32(il, at), typeArguments, methodArguments))
                    {
                        case Type used:
                            Add(from, used, 0);
                            break;
                        case FieldInfo field:
                            Add(from, field.DeclaringType, 0);
                            Add(from, field.FieldType, 0);
                            break;
                        case MethodBase called:
                            Add(from, called.DeclaringType, 0);
                            if (called.IsGenericMethod)
                                foreach (var argument in called.GetGenericArguments())
                                    Add(from, argument, 0);
                            break;
                    }
                }
                catch (ArgumentException)
                {
                    // a member of another module that cannot be resolved in this context: not a type of this assembly
                }
            }
            at += operand;
        }
    }

    private void Add(Type from, Type? used, int depth)
    {
        if (used is null || depth > 8)
            return;
        if (used.HasElementType)
        {
            Add(from, used.GetElementType(), depth + 1);
            return;
        }
        if (used.IsGenericType && !used.IsGenericTypeDefinition)
        {
            foreach (var argument in used.GetGenericArguments())
                Add(from, argument, depth + 1);
            used = used.GetGenericTypeDefinition();
        }
        if (used.IsGenericParameter || used.Assembly != _assembly)
            return;
        var target = Outermost(used);
        if (target.Namespace is null || target.Namespace == from.Namespace)
            return;
        if (!Edges.TryGetValue(from.Namespace!, out var targets))
            Edges[from.Namespace!] = targets = [];
        targets.TryAdd(target.Namespace, $"{from.Name} uses {target.Name}");
    }
}
