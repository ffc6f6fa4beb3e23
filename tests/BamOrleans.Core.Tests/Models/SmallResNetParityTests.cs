using TorchSharp;
using BamOrleans.Core.Models;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Models;

/// <summary>
/// The C# encoder and its PyTorch twin (tools/reference/encoder_reference.py) compute the same
/// function: both fill every parameter from the same formula (no RNG), run the same float64
/// input, and must agree on the outputs. Expected numbers come from
/// <c>/usr/bin/python3 tools/reference/encoder_reference.py --parity [options as noted per test]</c>.
/// </summary>
public class SmallResNetParityTests
{
    [Fact]
    public void Gray_28_matches_pytorch() => AssertMatches(
        // encoder_reference.py --parity
        new Expected(127_152, 70.28364102271104,
            [0.6201142050825796, 0.28071971997891615, 0.5422923213615255, 0.17562100880112885],
            -12.519478276217695, 295.125138910663,
            [-0.9293473100052595, -1.6013258353142292, -1.924971708109018, -1.8322168017171492],
            [-1.146072766066774, -0.3843528750415005, 0.45454772374884467, 1.1891593246952215]),
        EncoderOptions.ForFashionMnist() with { ProjectorNorm = NormKind.Group }, size: 28);

    [Fact]
    public void Rgb_32_matches_pytorch() => AssertMatches(
        // encoder_reference.py --parity --channels 3 --size 32
        new Expected(127_440, 73.21240608617029,
            [0.5028870257080706, 0.6184882810904943, 0.525630139635662, 0.6706373930834052],
            -12.2561271000363, 284.33589974282967,
            [-0.7663231422527708, -1.4039547080845902, -1.736454013982885, -1.6938151027974988],
            [-1.1557123721695335, -0.36911116116233783, 0.4913346667012699, 1.2394396078773144]),
        EncoderOptions.ForFashionMnist() with { InChannels = 3, ProjectorNorm = NormKind.Group }, size: 32);

    [Fact]
    public void Two_blocks_per_stage_match_pytorch() => AssertMatches(
        // encoder_reference.py --parity --blocks 2
        new Expected(224_368, 108.60910992603695,
            [0.869559840715599, 0.6864472549110174, 1.0491490672121782, 0.8361449470181486],
            -15.775137182759547, 518.9905895138015,
            [-1.7441452934150805, -2.4964169399442606, -2.7036288177142946, -2.317354215750263],
            [-1.3040985125077234, 0.37281300462801753, 1.9763646464501514, 3.1545212874003714]),
        EncoderOptions.ForFashionMnist() with { SmallBlocksPerStage = 2, ProjectorNorm = NormKind.Group }, size: 28);

    [Fact]
    public void Batch_norm_variant_matches_pytorch_in_training_mode() => AssertMatches(
        // encoder_reference.py --parity --norm batch
        new Expected(127_152, 68.90789077713272,
            [0.3561308187760218, 0.2863025495634682, 0.3072594549841177, 0.22916575321445407],
            -7.590590113663007, 136.43541631886757,
            [0.15531535593840662, -0.24597449453260295, -0.5955896222906422, -0.819777776418799],
            [-0.9931561554314372, -0.8715359375129282, -0.5661008761631817, -0.14155628004604184]),
        EncoderOptions.ForFashionMnist() with { Norm = NormKind.Batch }, size: 28);

    private sealed record Expected(long Params, double FeaturesSum, double[] FeaturesFirst, double OutputSum, double OutputAbsSum, double[] OutputFirst, double[] OutputLast);

    private static void AssertMatches(Expected expected, EncoderOptions options, int size)
    {
        var actual = Run(options, size);
        Assert.Equal(expected.Params, actual.Params);
        AssertClose(expected.FeaturesSum, actual.FeaturesSum);
        AssertClose(expected.FeaturesFirst, actual.FeaturesFirst);
        AssertClose(expected.OutputSum, actual.OutputSum);
        AssertClose(expected.OutputAbsSum, actual.OutputAbsSum);
        AssertClose(expected.OutputFirst, actual.OutputFirst);
        AssertClose(expected.OutputLast, actual.OutputLast);
    }

    private sealed record Result(long Params, double FeaturesSum, double[] FeaturesFirst, double OutputSum, double OutputAbsSum, double[] OutputFirst, double[] OutputLast);

    private static Result Run(EncoderOptions options, int size)
    {
        var channels = options.InChannels;
        using var encoder = Encoder.Create(options, seed: 0);
        encoder.to(ScalarType.Float64);
        encoder.train();
        Fill(encoder);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var input = arange(2L * channels * size * size, ScalarType.Float64).mul_(0.11).sin_().view(2, channels, size, size);
        var features = encoder.Features(input);
        var output = encoder.forward(input);
        return new Result(
            encoder.ParameterCount,
            features.sum().item<double>(),
            features[0, ..4].data<double>().ToArray(),
            output.sum().item<double>(),
            output.abs().sum().item<double>(),
            output[0, ..4].data<double>().ToArray(),
            output[1, ^4..].data<double>().ToArray());
    }

    /// <summary>Same formula as parity_fill in encoder_reference.py, keyed on rank in ordinal name order.</summary>
    private static void Fill(Encoder encoder)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ordered = encoder.named_parameters().OrderBy(p => p.name, StringComparer.Ordinal).ToList();
        for (var k = 0; k < ordered.Count; k++)
        {
            var (name, p) = ordered[k];
            var wave = arange(p.numel(), ScalarType.Float64).mul_(0.37).add_(0.5 * k + 0.1).sin_();
            var values = p.dim() > 1 ? wave.div_(Math.Sqrt((double)p.numel() / p.shape[0]))
                : name.EndsWith("weight") ? wave.mul_(0.1).add_(1.0)
                : wave.mul_(0.1);
            p.copy_(values.view(p.shape));
        }
    }

    private static void AssertClose(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            AssertClose(expected[i], actual[i]);
    }
}
