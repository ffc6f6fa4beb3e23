using static TorchSharp.torch;

namespace BamOrleans.Checkpoints;

/// <summary>
/// The element types a checkpoint stores, with their on-disk codes. Codes are part of the tensor
/// file format: never renumber one, only add new codes (and raise the format version).
/// </summary>
public enum TensorDType : byte
{
    /// <summary>Parameters, optimizer moments and norm statistics.</summary>
    Float32 = 1,

    /// <summary>Float64 runs (parity checks against the PyTorch reference).</summary>
    Float64 = 2,

    /// <summary>Counters: batch-norm num_batches_tracked, optimizer step counts.</summary>
    Int64 = 3,
}

/// <summary>Mapping between <see cref="TensorDType"/> and TorchSharp's scalar types.</summary>
public static class TensorDTypes
{
    /// <summary>Bytes per element.</summary>
    public static int ElementSize(this TensorDType dtype) => dtype switch
    {
        TensorDType.Float32 => 4,
        TensorDType.Float64 => 8,
        TensorDType.Int64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown tensor dtype code"),
    };

    /// <summary>True for the codes this version of the format knows.</summary>
    public static bool IsKnown(byte code) => code is (byte)TensorDType.Float32 or (byte)TensorDType.Float64 or (byte)TensorDType.Int64;

    public static ScalarType ToScalarType(this TensorDType dtype) => dtype switch
    {
        TensorDType.Float32 => ScalarType.Float32,
        TensorDType.Float64 => ScalarType.Float64,
        TensorDType.Int64 => ScalarType.Int64,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown tensor dtype code"),
    };

    /// <summary>The checkpoint dtype of a tensor; a clear error for types a checkpoint cannot hold
    /// (a half-precision model must be checkpointed from its float32 master weights).</summary>
    public static TensorDType FromScalarType(ScalarType type, string tensorName) => type switch
    {
        ScalarType.Float32 => TensorDType.Float32,
        ScalarType.Float64 => TensorDType.Float64,
        ScalarType.Int64 => TensorDType.Int64,
        _ => throw new NotSupportedException(
            $"tensor '{tensorName}' has dtype {type}, which checkpoints do not store: only float32, float64 and int64 are supported; keep training state in one of those."),
    };
}
