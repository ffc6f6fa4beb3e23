using BamOrleans.Core.Data;
using BamOrleans.Core.Training;
using Serilog;
using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Training;

public class SingleProcessTrainerTests
{
    private static readonly ILogger Silent = new LoggerConfiguration().CreateLogger();

    private static (IReadOnlyList<StepRecord> Steps, float[] Parameters) Train(TrainingConfig config)
    {
        using var trainer = new SingleProcessTrainer(config, TrainerFixtures.Squares(24), PixelNormalizer.FashionMnist, Silent);
        var steps = trainer.Run();
        var parameters = trainer.Model.parameters().SelectMany(p => p.detach().flatten().data<float>().ToArray()).ToArray();
        return (steps, parameters);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(2, true)]
    public void Same_config_gives_bit_identical_losses_and_parameters(int localViews, bool ema)
    {
        var config = TrainerFixtures.Small(localViews: localViews, ema: ema);
        var first = Train(config);
        var second = Train(config);

        Assert.Equal(config.Steps, first.Steps.Count);
        Assert.All(first.Steps, s => Assert.True(double.IsFinite(s.Loss) && !s.Skipped));
        Assert.Equal(first.Steps.Select(s => s.Loss), second.Steps.Select(s => s.Loss));
        Assert.Equal(first.Parameters, second.Parameters);
    }

    [Fact]
    public void Training_moves_the_weights_and_another_seed_gives_another_run()
    {
        var config = TrainerFixtures.Small(seed: 1);
        using var untrained = BamOrleans.Core.Models.Encoder.Create(config.Encoder, config.Seed);
        var initial = untrained.parameters().SelectMany(p => p.detach().flatten().data<float>().ToArray()).ToArray();

        var trained = Train(config);
        var other = Train(config with { Seed = 2 });

        Assert.NotEqual(initial, trained.Parameters);
        Assert.NotEqual(trained.Steps.Select(s => s.Loss), other.Steps.Select(s => s.Loss));
    }

    [Fact]
    public void Step_records_carry_the_schedule_values_of_their_step()
    {
        var config = TrainerFixtures.Small();
        var steps = Train(config).Steps;
        var schedules = new TrainingSchedules(config, stepsPerEpoch: 24 / config.GlobalBatch);

        for (var i = 0; i < steps.Count; i++)
        {
            Assert.Equal(i, steps[i].Step);
            Assert.Equal(schedules.LearningRate(i), steps[i].LearningRate);
            Assert.Equal(schedules.WeightDecay(i), steps[i].WeightDecay);
            Assert.Equal(i / 3, steps[i].Epoch);
            Assert.Equal(8, steps[i].Images);
            Assert.Equal(16, steps[i].ViewImages);
        }
    }

    [Fact]
    public void A_step_leaves_no_tensor_behind()
    {
        var config = TrainerFixtures.Small(localViews: 2, ema: true);
        using var trainer = new SingleProcessTrainer(config, TrainerFixtures.Squares(24), PixelNormalizer.FashionMnist, Silent);
        trainer.Step(); // first step creates the optimizer state
        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        trainer.Step();
        trainer.Step();
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void A_non_finite_loss_skips_the_update_and_leaves_the_weights_alone()
    {
        // A zero standard deviation turns every normalised pixel into ±inf/NaN: a poisoned batch.
        var poisoned = new PixelNormalizer([0f], [0f]);
        using var trainer = new SingleProcessTrainer(TrainerFixtures.Small(), TrainerFixtures.Squares(24), poisoned, Silent);
        var before = trainer.Model.parameters().SelectMany(p => p.detach().flatten().data<float>().ToArray()).ToArray();

        var record = trainer.Step();

        Assert.True(record.Skipped);
        Assert.False(double.IsFinite(record.Loss));
        Assert.Equal(before, trainer.Model.parameters().SelectMany(p => p.detach().flatten().data<float>().ToArray()).ToArray());
        Assert.Equal(1, trainer.NextStep); // the run moves on to the next batch
    }

    [Fact]
    public void An_invalid_config_is_refused_with_every_problem_named()
    {
        var config = TrainerFixtures.Small() with
        {
            GlobalBatch = 1,
            Objective = TrainerFixtures.Small().Objective with { TargetViews = 3 },
        };
        var e = Assert.Throws<InvalidConfigurationException>(() =>
            new SingleProcessTrainer(config, TrainerFixtures.Squares(24), PixelNormalizer.FashionMnist, Silent));
        Assert.Contains(e.Problems, p => p.Contains("globalBatch = 1"));
        Assert.Contains(e.Problems, p => p.Contains("TargetViews"));
    }

    [Fact]
    public void A_dataset_whose_channels_differ_from_the_encoder_is_refused()
    {
        var config = TrainerFixtures.Small();
        var rgb = new InMemoryImageDataset("rgb", new ImageShape(3, 28, 28), new byte[24 * 3 * 28 * 28], null, 0);
        var e = Assert.Throws<InvalidConfigurationException>(() =>
            new SingleProcessTrainer(config, rgb, PixelNormalizer.ImageNet, Silent));
        Assert.Contains(e.Problems, p => p.Contains("encoder.inChannels = 1") && p.Contains("3 channel"));
    }
}
