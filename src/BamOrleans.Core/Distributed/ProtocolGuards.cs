using BamOrleans.Core.Objective;
using static TorchSharp.torch;

namespace BamOrleans.Core.Distributed;

/// <summary>Checks shared by the protocol's functions; every message names the problem and the fix.</summary>
internal static class ProtocolGuards
{
    public static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";

    /// <summary>Bytes of one element; the protocol moves float32 or float64 only.</summary>
    public static long ElementBytes(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => 4,
        ScalarType.Float64 => 8,
        _ => throw new ArgumentException($"The protocol carries float32 or float64 tensors, not {dtype}: convert with .to(float32).", nameof(dtype)),
    };

    public static long PayloadBytes(Tensor t) => t.numel() * ElementBytes(t.dtype);

    /// <summary>2-D float32/float64 with exactly the expected shape.</summary>
    public static void RequireMatrix(Tensor t, long rows, long columns, string name, string fix)
    {
        NumericLimits.RequireMatrix(t, name);
        if (t.shape[0] != rows || t.shape[1] != columns)
            throw new ArgumentException($"{name} has shape {Shape(t)} but must be [{rows}, {columns}]: {fix}", name);
    }

    /// <summary>Refuses a payload addressed to another step or another slot.</summary>
    public static void RequireId(SlotStepId actual, SlotStepId expected, string payload, string name)
    {
        if (actual.Step != expected.Step)
            throw new ArgumentException(
                $"{payload} is for step {actual.Step} but this is step {expected.Step}: it belongs to another step; drop it (never mix steps) and use the {payload} of step {expected.Step}.",
                name);
        if (actual.Slot != expected.Slot)
            throw new ArgumentException(
                $"{payload} is addressed to slot {actual.Slot} but was handed to slot {expected.Slot}: route each slot its own payload.",
                name);
    }

    public static void RequireSameKind(Tensor a, Tensor b, string nameA, string nameB)
    {
        if (a.dtype != b.dtype)
            throw new ArgumentException($"{nameB} is {b.dtype} but {nameA} is {a.dtype}: the whole step must use one dtype.", nameB);
        if (a.device_type != b.device_type || a.device_index != b.device_index)
            throw new ArgumentException($"{nameB} is on {b.device} but {nameA} on {a.device}: move them to one device.", nameB);
    }

    public static void RequireSlotCount(int slots)
    {
        if (slots < 1)
            throw new ArgumentOutOfRangeException(nameof(slots), slots, "slots must be ≥ 1: pass W, the number of worker slots in this step.");
    }

    public static void RequireOptions(BamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
            throw new ArgumentException("Invalid BAM options: " + string.Join(" ", problems), nameof(options));
    }
}
