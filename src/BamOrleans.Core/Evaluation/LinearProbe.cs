using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace BamOrleans.Core.Evaluation;

/// <summary>
/// Linear probe: multinomial logistic regression on frozen features, the other standard measure
/// of a self-supervised encoder (how much class information a single linear layer can read out).
/// </summary>
/// <remarks>
/// <para>Features are standardized with the training set's per-dimension mean and std (test
/// features with the same statistics), so one learning rate suits encoders of any output scale
/// and raw pixels alike. Dimensions that are constant on the training set get std 1: they are
/// centred to zero and carry no signal, rather than blowing up on the test set.</para>
/// <para>The layer starts at zero. The loss is convex, so there is no symmetry to break, and the
/// only randomness left is the mini-batch order, drawn from an explicit generator seeded by
/// <see cref="LinearProbeOptions.Seed"/> — never the global torch RNG, which other code moves.</para>
/// <para>Standardization is applied per mini-batch rather than to a copy of the whole matrix, so
/// the probe holds no second N × D tensor.</para>
/// <para>Work happens on the device of the training features.</para>
/// </remarks>
public static class LinearProbe
{
    /// <summary>Rows scored at once when measuring accuracy.</summary>
    private const int EvaluationChunk = 4096;

    /// <param name="trainFeatures">[Ntrain, D] frozen features the probe is fitted on.</param>
    /// <param name="trainLabels">int64 [Ntrain] in [0, <paramref name="classCount"/>).</param>
    /// <param name="testFeatures">[Ntest, D] held-out features.</param>
    /// <param name="testLabels">int64 [Ntest].</param>
    /// <param name="classCount">Number of classes (output width of the probe).</param>
    /// <param name="options">Null for the defaults.</param>
    public static LinearProbeResult Evaluate(
        Tensor trainFeatures, Tensor trainLabels, Tensor testFeatures, Tensor testLabels, int classCount,
        LinearProbeOptions? options = null)
    {
        EvaluationGuards.RequireClassCount(classCount);
        EvaluationGuards.RequireFeatures(trainFeatures, nameof(trainFeatures));
        EvaluationGuards.RequireFeatures(testFeatures, nameof(testFeatures));
        EvaluationGuards.RequireLabels(trainLabels, trainFeatures.shape[0], classCount, nameof(trainLabels));
        EvaluationGuards.RequireLabels(testLabels, testFeatures.shape[0], classCount, nameof(testLabels));
        if (testFeatures.shape[1] != trainFeatures.shape[1])
            throw new ArgumentException(
                $"testFeatures have {testFeatures.shape[1]} dimensions but trainFeatures have {trainFeatures.shape[1]}.",
                nameof(testFeatures));
        options ??= new LinearProbeOptions();

        // Everything this method allocates (statistics, parameters, optimizer state) goes when it returns.
        using var scope = NewDisposeScope();
        var device = trainFeatures.device;
        var (mean, std) = Standardization(trainFeatures);
        var (weight, bias, finalLoss) = Train(trainFeatures, trainLabels.to(device), mean, std, classCount, options);

        return new LinearProbeResult(
            TrainAccuracy: Accuracy(trainFeatures, trainLabels, weight, bias, mean, std),
            TestAccuracy: Accuracy(testFeatures, testLabels, weight, bias, mean, std),
            FinalTrainLoss: finalLoss,
            Epochs: options.Epochs);
    }

    /// <summary>Per-dimension train mean and std [D] (float32); constant dimensions get std 1.</summary>
    private static (Tensor Mean, Tensor Std) Standardization(Tensor trainFeatures)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var x = trainFeatures.to(ScalarType.Float32);
        var mean = x.mean([0]);
        var std = x.sub(mean).square().mean([0]).sqrt_();
        std = where(std.gt(1e-6f), std, ones_like(std));
        return (mean.MoveToOuterDisposeScope(), std.MoveToOuterDisposeScope());
    }

    private static Tensor Standardize(Tensor rows, Tensor mean, Tensor std) =>
        rows.to(ScalarType.Float32).to(mean.device).sub(mean).div_(std);

    /// <summary>Mini-batch AdamW with a per-step cosine learning rate; returns the fitted layer and
    /// the mean loss of the last epoch.</summary>
    private static (Tensor Weight, Tensor Bias, double FinalLoss) Train(
        Tensor features, Tensor labels, Tensor mean, Tensor std, int classCount, LinearProbeOptions options)
    {
        var device = features.device;
        var count = features.shape[0];
        var dimension = features.shape[1];
        var weight = new Parameter(zeros(classCount, dimension, ScalarType.Float32, device));
        var bias = new Parameter(zeros(classCount, ScalarType.Float32, device));
        using var optimizer = optim.AdamW([weight, bias], lr: options.LearningRate, weight_decay: options.WeightDecay);
        var stepsPerEpoch = (count + options.BatchSize - 1) / options.BatchSize;
        var totalSteps = stepsPerEpoch * options.Epochs;
        using var generator = new Generator(unchecked((ulong)options.Seed));

        double lastEpochLoss = double.NaN;
        long step = 0;
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            using var epochScope = NewDisposeScope();
            // Shuffled on the CPU, where the generator lives, then moved once per epoch.
            var order = randperm(count, generator: generator).to(device);
            var lossSum = zeros(1, ScalarType.Float64, device);
            for (long start = 0; start < count; start += options.BatchSize, step++)
            {
                using var stepScope = NewDisposeScope();
                SetLearningRate(optimizer, options.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * step / totalSteps)));
                var batch = order.narrow(0, start, Math.Min(options.BatchSize, count - start));
                var x = Standardize(features.index_select(0, batch), mean, std);
                var loss = F.cross_entropy(F.linear(x, weight, bias), labels.index_select(0, batch));
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                // Accumulated on the device: one host sync per epoch, not per step.
                lossSum.add_(loss.detach());
            }
            lastEpochLoss = lossSum.item<double>() / stepsPerEpoch;
        }
        return (weight, bias, lastEpochLoss);
    }

    private static void SetLearningRate(optim.Optimizer optimizer, double learningRate)
    {
        foreach (var group in optimizer.ParamGroups)
            group.LearningRate = learningRate;
    }

    /// <summary>Share of rows whose highest logit is their label, scored in chunks.</summary>
    private static double Accuracy(Tensor features, Tensor labels, Tensor weight, Tensor bias, Tensor mean, Tensor std)
    {
        using var noGrad = no_grad();
        var count = features.shape[0];
        long correct = 0;
        for (long start = 0; start < count; start += EvaluationChunk)
        {
            using var scope = NewDisposeScope();
            var size = Math.Min(EvaluationChunk, count - start);
            var x = Standardize(features.narrow(0, start, size), mean, std);
            var predictions = F.linear(x, weight, bias).argmax(1);
            correct += predictions.eq(labels.narrow(0, start, size).to(predictions.device)).sum().item<long>();
        }
        return (double)correct / count;
    }
}
