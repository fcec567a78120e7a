using GpuSparse.PtxCheck;

// ptx   --ptxas PATH --ptx-dir DIR --report PTX.md : compile every catalog kernel for sm_90, assemble, tabulate
// model --report MODEL.md [--lasso-sample K] [--enet-sample K] : the roofline cost model of the targets
if (args.Length == 0 || args[0] is not ("ptx" or "model"))
{
    Console.Error.WriteLine("usage: GpuSparse.PtxCheck ptx --ptxas PATH --ptx-dir DIR --report FILE");
    Console.Error.WriteLine("       GpuSparse.PtxCheck model --report FILE [--lasso-sample K] [--enet-sample K]");
    return 2;
}
var options = ToolOptions.Parse(args.AsSpan(1));
return args[0] == "ptx" ? PtxCheck.Run(options) : CostModelReport.Run(options);
