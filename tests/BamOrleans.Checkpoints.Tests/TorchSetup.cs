using System.Runtime.CompilerServices;
using BamOrleans.Core.Runtime;
using static TorchSharp.torch;

namespace BamOrleans.Checkpoints.Tests;

/// <summary>Applies the process-wide libtorch settings before any test touches a tensor.</summary>
internal static class TorchSetup
{
    /// <summary>
    /// Also pins libtorch to one intra-op thread, before its first parallel kernel. These tests
    /// assert bit-exact resume, and training itself is bit-exact here only that way. Measured on
    /// this machine (2-core AMD EPYC, libtorch 2.10, 2 intra-op threads): the same 4-step run on
    /// one .NET thread ends with different bits in about 1 run in 40 (6 of 200 in a probe; a few
    /// recurring outcomes, one of them NaN; always from a backward pass), with no checkpoint code
    /// involved; with one intra-op thread set at start, 0 of 200 (the test suite still saw about
    /// 1 in 100, which RoundTripTests allows for). Setting it later, after kernels ran with 2
    /// threads, still gave 2 of 150, hence here and not per test. oneDNN reports ISA AVX2 (the
    /// TorchRuntime cap holds); the convolution backward runs jit:avx2 and brgconv_strided:avx2.
    /// </summary>
    [ModuleInitializer]
    internal static void Initialize()
    {
        TorchRuntime.Initialize();
        set_num_threads(1);
    }
}
