using static TorchSharp.torch;

namespace BamOrleans.Worker.Slots;

/// <summary>
/// A model's parameter gradients and floating-point buffers as one flat float32 vector, and back.
/// The buffers (batch-norm running statistics) ride along so they are averaged with the
/// gradients: each slot's forward updates them from its own images, and averaging keeps the
/// replicas identical buffer for buffer, not just parameter for parameter.
/// </summary>
internal sealed class GradientVector(nn.Module model)
{
    private readonly TorchSharp.Modules.Parameter[] _parameters = model.parameters().ToArray();
    private readonly Tensor[] _buffers = model.buffers().Where(b => b.is_floating_point()).ToArray();

    public long Length => _parameters.Sum(p => p.numel()) + _buffers.Sum(b => b.numel());

    /// <summary>The gradients (zeros for a parameter without one) then the buffers.</summary>
    public float[] Read()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var parts = _parameters.Select(p => (p.grad ?? zeros_like(p)).reshape(-1))
            .Concat(_buffers.Select(b => b.reshape(-1)))
            .Select(t => t.to(CPU).to_type(ScalarType.Float32));
        return cat(parts.ToArray(), 0).contiguous().data<float>().ToArray();
    }

    /// <summary>Writes averaged values back: into each parameter's gradient, and into the buffers.</summary>
    public void Write(float[] values)
    {
        if (values.LongLength != Length)
            throw new ArgumentException($"got {values.LongLength} averaged values for a model of {Length}: every slot must run the same architecture.", nameof(values));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var all = tensor(values);
        long offset = 0;
        foreach (var p in _parameters)
        {
            // A parameter without a gradient got none on any replica (same graph): it stays without.
            p.grad?.copy_(all.narrow(0, offset, p.numel()).view(p.shape).to(p.device).to_type(p.dtype));
            offset += p.numel();
        }
        foreach (var b in _buffers)
        {
            b.copy_(all.narrow(0, offset, b.numel()).view(b.shape).to(b.device).to_type(b.dtype));
            offset += b.numel();
        }
    }
}
