using System.Runtime.InteropServices;
using Serilog;
using static TorchSharp.torch;

namespace BamOrleans.Core.Runtime;

/// <summary>
/// Process-wide libtorch settings that every entry point (CLI, silo, tests, bench) applies
/// before its first tensor operation.
/// </summary>
public static class TorchRuntime
{
    private const string OneDnnIsaVariable = "ONEDNN_MAX_CPU_ISA";
    private static readonly object Gate = new();
    private static bool _initialized;

    /// <summary>
    /// oneDNN's AVX-512 convolution kernels in libtorch 2.10 return wrong input gradients on some
    /// AVX-512 CPUs (seen on AMD EPYC: garbage or NaN in roughly one backward pass in four, found
    /// by comparing with a float64 reference). Capping oneDNN at AVX2 makes them exact. The cap
    /// must be in the native environment before oneDNN's first dispatch, which is why this runs
    /// first; a user who sets ONEDNN_MAX_CPU_ISA keeps their value.
    /// </summary>
    public static void Initialize(ILogger? log = null)
    {
        lock (Gate)
        {
            if (_initialized) return;
            _initialized = true;
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(OneDnnIsaVariable)))
            {
                // .NET's Environment.SetEnvironmentVariable does not reach the C environment that
                // native libraries read with getenv on Linux: set it in libc directly.
                if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
                    _ = NativeEnvironment.setenv(OneDnnIsaVariable, "AVX2", 0);
                Environment.SetEnvironmentVariable(OneDnnIsaVariable, "AVX2");
            }
            // Touch libtorch now so its native libraries load with the settings above.
            using var probe = zeros(1);
            log?.Debug("libtorch ready: {Threads} threads, {Variable}={Isa}", get_num_threads(), OneDnnIsaVariable,
                Environment.GetEnvironmentVariable(OneDnnIsaVariable));
        }
    }

    private static class NativeEnvironment
    {
        [DllImport("libc", SetLastError = true)]
        internal static extern int setenv(string name, string value, int overwrite);
    }
}
