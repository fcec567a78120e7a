namespace GpuSparse.Model;

/// <summary>How the design matrices of a batch are stored.</summary>
public enum BatchLayout
{
    /// <summary>One X (n × p) for every problem: the sweep case (λ grid × targets).</summary>
    SharedDesign,

    /// <summary>One X per problem, all with the same p; n may differ (datasets, CV folds, simulation steps).</summary>
    DesignPerProblem,
}
