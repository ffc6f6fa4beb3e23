using BamOrleans.Core.Models;
using BamOrleans.Worker.Slots;
using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Cluster.Tests.Exchange;

/// <summary>What a slot sends to the gradient shards and writes back: its gradients then its float
/// buffers as one vector; and the checksum replicas compare.</summary>
public sealed class GradientVectorTests
{
    private static readonly EncoderOptions Small = EncoderOptions.ForFashionMnist() with { Width = 8 };

    /// <summary>An encoder after one training-mode forward and backward (the batch norm of the
    /// projector updates its running statistics, every parameter gets a gradient).</summary>
    private static Encoder Trained(long seed)
    {
        var encoder = Encoder.Create(Small, seed);
        encoder.train();
        using var scope = NewDisposeScope();
        var generator = new Generator().manual_seed(seed);
        var images = randn([4, 1, 28, 28], generator: generator);
        encoder.forward(images).pow(2).mean().backward();
        return encoder;
    }

    private static float[] Flat(Tensor t) => t.detach().to_type(ScalarType.Float32).contiguous().reshape(-1).data<float>().ToArray();

    private static Tensor[] FloatBuffers(nn.Module model) => model.buffers().Where(b => b.is_floating_point()).ToArray();

    [Fact]
    public void Read_returns_the_gradients_then_the_float_buffers_in_order()
    {
        using var encoder = Trained(seed: 3);
        var parameters = encoder.parameters().ToArray();
        var buffers = FloatBuffers(encoder);
        Assert.NotEmpty(buffers); // the projector's batch-norm running statistics
        Assert.All(parameters, p => Assert.NotNull(p.grad));
        Assert.Contains(encoder.buffers(), b => !b.is_floating_point()); // num_batches_tracked: not carried

        var vector = new GradientVector(encoder);
        var read = vector.Read();
        var expected = parameters.SelectMany(p => Flat(p.grad!)).Concat(buffers.SelectMany(Flat)).ToArray();
        Assert.Equal(parameters.Sum(p => p.numel()) + buffers.Sum(b => b.numel()), vector.Length);
        Assert.Equal(vector.Length, read.LongLength);
        Assert.Equal(expected, read);
        // The running variances were updated away from their initial ones: the buffers are live values.
        Assert.Contains(read.Skip((int)parameters.Sum(p => p.numel())), x => x != 0f && x != 1f);
    }

    [Fact]
    public void Write_puts_the_values_into_each_gradient_and_buffer_in_the_same_order()
    {
        using var encoder = Trained(seed: 4);
        var vector = new GradientVector(encoder);
        var values = vector.Read().Select((x, i) => -x + i * 1e-3f).ToArray();
        vector.Write(values);

        long offset = 0;
        foreach (var p in encoder.parameters())
        {
            Assert.Equal(values.Skip((int)offset).Take((int)p.numel()), Flat(p.grad!));
            Assert.Equal(p.shape, p.grad!.shape);
            offset += p.numel();
        }
        foreach (var b in FloatBuffers(encoder))
        {
            Assert.Equal(values.Skip((int)offset).Take((int)b.numel()), Flat(b));
            offset += b.numel();
        }
        Assert.Equal(values.LongLength, offset);
        Assert.Equal(values, vector.Read());
    }

    [Fact]
    public void A_parameter_without_gradient_reads_as_zeros_and_stays_without()
    {
        using var encoder = Encoder.Create(Small, seed: 5);
        var vector = new GradientVector(encoder);
        var parameterCount = (int)encoder.parameters().Sum(p => p.numel());
        var read = vector.Read();
        Assert.All(read.Take(parameterCount), x => Assert.Equal(0f, x));
        Assert.Equal(FloatBuffers(encoder).SelectMany(Flat), read.Skip(parameterCount));

        var values = Enumerable.Range(0, read.Length).Select(i => (float)i).ToArray();
        vector.Write(values);
        Assert.All(encoder.parameters(), p => Assert.Null(p.grad));
        Assert.Equal(values.Skip(parameterCount), FloatBuffers(encoder).SelectMany(Flat));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public void Write_refuses_a_vector_of_another_length_and_changes_nothing(int delta)
    {
        using var encoder = Trained(seed: 6);
        var vector = new GradientVector(encoder);
        var before = vector.Read();
        var e = Assert.Throws<ArgumentException>(() => vector.Write(new float[vector.Length + delta]));
        Assert.Equal("values", e.ParamName);
        Assert.Contains($"for a model of {vector.Length}", e.Message);
        Assert.Equal(before, vector.Read());
    }

    [Fact]
    public void Checksum_is_equal_for_the_same_seed_and_changes_with_one_ulp_of_one_weight()
    {
        using var a = Encoder.Create(Small, seed: 7);
        using var b = Encoder.Create(Small, seed: 7);
        using var other = Encoder.Create(Small, seed: 8);
        var original = ParameterChecksum.Of(a);
        Assert.Equal(original, ParameterChecksum.Of(b));
        Assert.NotEqual(original, ParameterChecksum.Of(other));

        // One ulp of one weight (a normal, non-zero one: a denormal could be flushed) of the last weight matrix.
        var last = b.parameters().Last(p => p.dim() == 2);
        var index = Array.FindIndex(Flat(last), x => float.IsNormal(x));
        Assert.True(index >= 0);
        float value;
        using (no_grad())
        {
            var element = last.view(-1)[index];
            value = element.item<float>();
            element.fill_(MathF.BitIncrement(value));
            var stored = last.view(-1)[index].item<float>();
            Assert.NotEqual(value, stored);
            Assert.Equal(MathF.BitIncrement(value), stored);
        }
        var changed = ParameterChecksum.Of(b);
        Assert.NotEqual(original, changed);

        // Back to the old value: the same checksum again (nothing else goes into it).
        using (no_grad())
        {
            last.view(-1)[index].fill_(value);
        }
        Assert.Equal(original, ParameterChecksum.Of(b));
        Assert.Equal(original, ParameterChecksum.Of(a));
    }
}
