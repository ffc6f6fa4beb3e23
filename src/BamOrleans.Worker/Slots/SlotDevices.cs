namespace BamOrleans.Worker.Slots;

/// <summary>What `bam-silo --device` asked for.</summary>
public enum DeviceKind
{
    /// <summary>Every visible GPU when there is one, else the CPU.</summary>
    Auto,

    Cpu,

    /// <summary>Every visible GPU, one slot each.</summary>
    Cuda,

    /// <summary>One named GPU (cuda:i).</summary>
    CudaIndex,
}

/// <summary>A parsed `--device auto|cpu|cuda|cuda:i`.</summary>
public sealed record DeviceRequest(DeviceKind Kind, int Index = 0)
{
    public static readonly DeviceRequest Auto = new(DeviceKind.Auto);

    /// <summary>The request <paramref name="text"/> names, or null with <paramref name="error"/> saying why not.</summary>
    public static DeviceRequest? Parse(string text, out string? error)
    {
        error = null;
        var t = text.Trim().ToLowerInvariant();
        switch (t)
        {
            case "auto": return Auto;
            case "cpu": return new DeviceRequest(DeviceKind.Cpu);
            case "cuda": return new DeviceRequest(DeviceKind.Cuda);
        }
        if (t.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(t.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
            return new DeviceRequest(DeviceKind.CudaIndex, index);
        error = $"--device {text}: unknown; use auto, cpu, cuda (every visible GPU) or cuda:i (GPU i, counted from 0)";
        return null;
    }

    public override string ToString() => Kind switch
    {
        DeviceKind.Auto => "auto",
        DeviceKind.Cpu => "cpu",
        DeviceKind.Cuda => "cuda",
        _ => $"cuda:{Index}",
    };
}

/// <summary>
/// The rule that turns `--device` and `--slots` into this silo's slots and the device each trains
/// on. One GPU holds one replica: several replicas on one GPU would contend for its memory and
/// compute for no speed-up, so a CUDA silo offers at most one slot per visible GPU. On the CPU
/// the slots share the cores (as the single-machine clusters always have), so any count goes.
/// </summary>
public static class SlotDevices
{
    public const string Cpu = "cpu";

    /// <summary>What to do when CUDA was asked for but none is visible: the two causes and their fixes.</summary>
    public const string NoCudaFix =
        "this bam-silo is a CPU build (TorchSharp-cpu) or the machine shows it no GPU. Use the CUDA image " +
        "(docker build --build-arg TORCH=cuda --target bam-silo, see docs/container-images.md) on a node with an NVIDIA GPU " +
        "and its container runtime (docker run --gpus all, or a nvidia.com/gpu resource request), or run with --device cpu";

    /// <summary>
    /// The device of each of this silo's slots (slot i trains on element i), given
    /// <paramref name="visibleGpus"/> CUDA devices; or null with <paramref name="errors"/> naming the problem and the fix.
    /// </summary>
    /// <param name="slots">--slots; null: one per visible GPU under auto/cuda, one on the CPU or cuda:i.</param>
    public static IReadOnlyList<string>? Resolve(DeviceRequest request, int? slots, int visibleGpus, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        errors = problems;
        if (slots is < 1) problems.Add($"--slots {slots}: must be ≥ 1");
        var kind = request.Kind == DeviceKind.Auto ? (visibleGpus > 0 ? DeviceKind.Cuda : DeviceKind.Cpu) : request.Kind;
        if (kind != DeviceKind.Cpu && visibleGpus == 0)
            problems.Add($"--device {request}: no CUDA device is visible: {NoCudaFix}.");
        else if (kind == DeviceKind.CudaIndex && request.Index >= visibleGpus)
            problems.Add($"--device {request}: only {visibleGpus} CUDA device(s) are visible (cuda:0 to cuda:{visibleGpus - 1}): pick one of them, or --device cuda for all.");
        if (problems.Count > 0) return null;

        var count = slots ?? (kind == DeviceKind.Cuda ? visibleGpus : 1);
        switch (kind)
        {
            case DeviceKind.Cpu:
                return Enumerable.Repeat(Cpu, count).ToList();
            case DeviceKind.CudaIndex when count > 1:
                problems.Add($"--slots {count} with --device {request}: one GPU trains one slot; use --slots 1, or --device cuda for one slot on each visible GPU.");
                return null;
            case DeviceKind.CudaIndex:
                return [$"cuda:{request.Index}"];
            default:
                if (count > visibleGpus)
                {
                    problems.Add($"--slots {count} with --device {request}: only {visibleGpus} CUDA device(s) are visible and each slot needs its own: use --slots {visibleGpus} or fewer (or leave it out).");
                    return null;
                }
                return Enumerable.Range(0, count).Select(i => $"cuda:{i}").ToList();
        }
    }

    /// <summary>CUDA devices libtorch sees in this process (0 on a TorchSharp-cpu build). Loads libtorch.</summary>
    public static int VisibleGpus() => TorchSharp.torch.cuda.is_available() ? TorchSharp.torch.cuda.device_count() : 0;

    /// <summary>The slot index a worker slot key ends in ("…/{runId}/{k}"); null when it ends in no number.</summary>
    public static int? IndexOf(string slotId)
    {
        var slash = slotId.LastIndexOf('/');
        return slash >= 0 && int.TryParse(slotId.AsSpan(slash + 1), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var index) ? index : null;
    }

    /// <summary>
    /// The device slot <paramref name="slotId"/> trains on, on a silo whose slots are
    /// <paramref name="devices"/>; null (with <paramref name="error"/>) when its index is beyond
    /// them on a GPU silo. A run's plan lays out slotsPerSilo slots on every silo (the launch
    /// plan's setting): on a CUDA silo that must not exceed the slots it offers, since a second
    /// replica on a GPU would run out of its memory or halve its speed; on a CPU silo extra slots
    /// share the cores, as they always have.
    /// </summary>
    public static string? ForSlot(string slotId, IReadOnlyList<string> devices, out string? error)
    {
        error = null;
        var index = IndexOf(slotId) ?? 0;
        if (index < devices.Count) return devices[index];
        if (devices.All(d => d == Cpu)) return Cpu;
        error = $"the run lays out slot {index} (slotsPerSilo ≥ {index + 1}) but this silo offers {devices.Count} slot(s), one per GPU " +
                $"({string.Join(", ", devices)}): submit the run with slotsPerSilo ≤ {devices.Count}, or start silos with more GPUs";
        return null;
    }
}
