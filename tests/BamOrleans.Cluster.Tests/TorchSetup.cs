using System.Runtime.CompilerServices;
using BamOrleans.Core.Runtime;

namespace BamOrleans.Cluster.Tests;

/// <summary>Applies the process-wide libtorch settings before any test (or in-process slot) touches a tensor.</summary>
internal static class TorchSetup
{
    /// <remarks>One intra-op thread: with two, this machine's libtorch occasionally gives different
    /// bits for the same step (measured: 6 runs in 200 of a 4-step run), which would make the
    /// bit-for-bit comparisons of two separate runs (exact resume) flaky. Set before the first
    /// kernel runs, one thread gave 0 in 200. The tiny test models lose nothing by it.</remarks>
    [ModuleInitializer]
    internal static void Initialize()
    {
        TorchRuntime.Initialize();
        TorchSharp.torch.set_num_threads(1);
    }
}
