using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace BamOrleans.Silo.Processes;

/// <summary>
/// A process we started (a silo, a redis-server): its output is kept (last lines) for logs,
/// assertions and failure messages, and disposing it kills its whole tree by its own id and
/// waits, boundedly, until it is gone.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private const int KeptLines = 400;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private bool _disposed;
    private Action<string>? _onLine;

    private ChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public int Id { get; private set; }

    /// <summary>Whether the process is gone (always true once disposed: disposing waits for the exit).</summary>
    public bool HasExited => _disposed || _process.HasExited;

    /// <param name="onLine">Called with every output line as it arrives (e.g. to forward it to a log).</param>
    /// <param name="unsetVariables">Environment variables of this process the child must not inherit.</param>
    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, string? workingDirectory = null,
        Action<string>? onLine = null, IEnumerable<string>? unsetVariables = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // never reads our own input
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        foreach (var variable in unsetVariables ?? []) info.Environment.Remove(variable);
        var child = new ChildProcess(name, new Process { StartInfo = info, EnableRaisingEvents = true });
        child._onLine = onLine;
        child._process.OutputDataReceived += (_, e) => child.Keep(e.Data);
        child._process.ErrorDataReceived += (_, e) => child.Keep(e.Data);
        child._process.Start();
        child.Id = child._process.Id;
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Whether one kept output line contains every one of <paramref name="texts"/>.</summary>
    public bool Printed(params string[] texts) =>
        _lines.Any(line => texts.All(t => line.Contains(t, StringComparison.Ordinal)));

    /// <summary>The last <paramref name="count"/> lines, for failure messages.</summary>
    public string Tail(int count = 30) =>
        $"--- {Name} (pid {Id}{(_disposed ? ", stopped" : _process.HasExited ? $", exited {_process.ExitCode}" : "")}) ---\n"
        + string.Join('\n', _lines.TakeLast(count));

    /// <summary>
    /// Ids of live processes whose command line contains <paramref name="marker"/> (Linux /proc),
    /// to prove that nothing we started, children included, outlived us.
    /// </summary>
    public static IReadOnlyList<int> RunningWithCommandLine(string marker)
    {
        if (!OperatingSystem.IsLinux()) return [];
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Contains(marker, StringComparison.Ordinal))
                    found.Add(pid);
            }
            catch (IOException)
            {
                // Exited while we looked.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours.
            }
        }
        return found;
    }

    /// <summary>Kills the process and everything it started (SIGKILL), as a spot eviction would.</summary>
    public void Kill()
    {
        if (!HasExited) _process.Kill(entireProcessTree: true);
    }

    /// <summary>
    /// Sends SIGTERM to this process alone, by its own id: a preemption notice (Kubernetes, Azure
    /// spot), which the process answers by draining and leaving. Does not wait; see <see cref="WaitForExit"/>.
    /// </summary>
    public void Terminate() => Signal(Sigterm, "SIGTERM");

    /// <summary>Freezes the process (SIGSTOP): it keeps its sockets but answers nothing, as a
    /// silo on a stalled node does, until <see cref="Resume"/>.</summary>
    public void Suspend() => Signal(Sigstop, "SIGSTOP");

    /// <summary>Lets a process frozen by <see cref="Suspend"/> run again (SIGCONT).</summary>
    public void Resume() => Signal(Sigcont, "SIGCONT");

    /// <summary>Waits up to <paramref name="limit"/> for the process to exit on its own; returns whether it has.</summary>
    public bool WaitForExit(TimeSpan limit) => HasExited || _process.WaitForExit(limit);

    /// <summary>The exit code, once exited (null before).</summary>
    public int? ExitCode => !_disposed && _process.HasExited ? _process.ExitCode : null;

    /// <summary>Kills the tree and waits up to <paramref name="limit"/>; returns whether it is gone.</summary>
    public bool KillAndWait(TimeSpan limit)
    {
        if (_disposed) return true;
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
        return _process.WaitForExit(limit);
    }

    /// <summary>Kills the tree and waits for it, boundedly; then releases the handle. Safe to repeat.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        var gone = KillAndWait(TimeSpan.FromSeconds(10));
        _process.Dispose();
        _disposed = gone;
        if (!gone) throw new InvalidOperationException($"{Name} (pid {Id}) did not exit within 10 s of SIGKILL");
    }

    // Signal numbers on Linux (x86-64 and arm64 alike). .NET has no API that sends an arbitrary
    // signal to another process, hence libc's kill(2), always with this process's own id.
    private const int Sigterm = 15;
    private const int Sigstop = 19;
    private const int Sigcont = 18;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    private void Signal(int signal, string name)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException($"{name} is sent with Linux's kill(2)");
        if (HasExited) throw new InvalidOperationException($"{Name} (pid {Id}) has already exited: no {name} sent");
        if (SendSignal(Id, signal) != 0)
            throw new InvalidOperationException($"kill({Id}, {name}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        _onLine?.Invoke(line);
        _lines.Enqueue(line);
        while (_lines.Count > KeptLines) _lines.TryDequeue(out _);
    }
}
