using BamOrleans.Core.Data;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Augmentation;

internal static class TestTensors
{
    /// <summary>[B, C, H, W] float32 uniform in [0, 1), reproducible from <paramref name="seed"/>.</summary>
    public static Tensor RandomImages(int batch, int channels, int height, int width, int seed)
    {
        var random = new Random(seed);
        var values = new float[batch * channels * height * width];
        for (var i = 0; i < values.Length; i++)
            values[i] = random.NextSingle();
        return tensor(values, [batch, channels, height, width]);
    }

    /// <summary>Leaves pixels as they are, so tests can look at the [0, 1] values.</summary>
    public static PixelNormalizer IdentityNormalizer(int channels) =>
        new(Enumerable.Repeat(0f, channels).ToArray(), Enumerable.Repeat(1f, channels).ToArray());

    public static float MaxAbsDifference(Tensor a, Tensor b)
    {
        using var difference = a.sub(b).abs_();
        return difference.max().item<float>();
    }

    /// <summary>Same shape and the same bits in every element (stricter than ==, which equates −0 and 0).</summary>
    public static bool BitIdentical(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape))
            return false;
        using var ac = a.contiguous();
        using var bc = b.contiguous();
        var x = ac.data<float>().ToArray();
        var y = bc.data<float>().ToArray();
        return x.Select(BitConverter.SingleToInt32Bits).SequenceEqual(y.Select(BitConverter.SingleToInt32Bits));
    }

    public static float[] Values(Tensor t)
    {
        using var c = t.contiguous();
        return c.data<float>().ToArray();
    }

    /// <summary>Row <paramref name="row"/> of a batch, [1, C, H, W].</summary>
    public static Tensor Row(Tensor batch, long row) => batch.narrow(0, row, 1);
}
