using System.Runtime.CompilerServices;
using BamOrleans.Core.Runtime;

namespace BamOrleans.Cluster.Tests;

/// <summary>Applies the process-wide libtorch settings before any test (or in-process slot) touches a tensor.</summary>
internal static class TorchSetup
{
    [ModuleInitializer]
    internal static void Initialize() => TorchRuntime.Initialize();
}
