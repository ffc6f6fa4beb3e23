using System.Runtime.CompilerServices;
using BamOrleans.Core.Runtime;

namespace BamOrleans.Core.Tests;

/// <summary>Applies the process-wide libtorch settings before any test touches a tensor.</summary>
internal static class TorchSetup
{
    [ModuleInitializer]
    internal static void Initialize() => TorchRuntime.Initialize();
}
