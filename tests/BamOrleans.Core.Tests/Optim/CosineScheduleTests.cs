using BamOrleans.Core.Optim;

namespace BamOrleans.Core.Tests.Optim;

public class CosineScheduleTests
{
    private const double Tolerance = 1e-12;

    [Fact]
    public void Warm_up_runs_linearly_from_start_to_base_inclusive()
    {
        var schedule = new CosineSchedule(baseValue: 0.5, finalValue: 1e-6, totalSteps: 100, warmupSteps: 10, warmupStartValue: 0.1);

        Assert.Equal(0.1, schedule.At(0), Tolerance);
        Assert.Equal(0.1 + 0.4 * 4 / 9.0, schedule.At(4), Tolerance);
        Assert.Equal(0.5, schedule.At(9), Tolerance);   // np.linspace includes the end point
        Assert.Equal(0.5, schedule.At(10), Tolerance);  // first cosine step: cos(0) = 1
    }

    [Fact]
    public void Cosine_part_matches_the_closed_form_up_to_the_last_step()
    {
        const double b = 0.5, f = 0.01;
        const long total = 100, warmup = 10;
        var schedule = new CosineSchedule(b, f, total, warmup);

        foreach (var step in new long[] { 10, 37, 55, 99 })
        {
            var expected = f + 0.5 * (b - f) * (1 + Math.Cos(Math.PI * (step - warmup) / (total - warmup)));
            Assert.Equal(expected, schedule.At(step), Tolerance);
        }
        Assert.Equal(f + 0.5 * (b - f), schedule.At(55), Tolerance); // half-way through the cosine
        Assert.Equal(schedule.At(99), schedule.At(1000));             // past the end: keeps the last value
    }

    [Fact]
    public void Dino_defaults_for_weight_decay_momentum_and_learning_rate()
    {
        var decay = CosineSchedule.WeightDecay(totalSteps: 1000);
        Assert.Equal(0.04, decay.At(0), Tolerance);
        Assert.Equal(0.4 + 0.5 * (0.04 - 0.4) * (1 + Math.Cos(Math.PI * 999 / 1000)), decay.At(999), Tolerance);

        var momentum = CosineSchedule.TeacherMomentum(totalSteps: 1000);
        Assert.Equal(0.996, momentum.At(0), Tolerance);
        Assert.True(momentum.At(999) > 0.99999 && momentum.At(999) < 1);

        var lr = CosineSchedule.LearningRate(baseLearningRate: 5e-4, globalBatch: 512, finalLearningRate: 1e-6, totalSteps: 1000, warmupSteps: 100);
        Assert.Equal(0, lr.At(0), Tolerance);
        Assert.Equal(1e-3, lr.At(99), Tolerance); // 5e-4 · 512 / 256
    }

    [Fact]
    public void Edge_cases_one_warm_up_step_no_warm_up_and_bad_arguments()
    {
        Assert.Equal(0.2, new CosineSchedule(1, 0, 10, warmupSteps: 1, warmupStartValue: 0.2).At(0), Tolerance);
        Assert.Equal(1, new CosineSchedule(1, 0, 10).At(0), Tolerance);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineSchedule(1, 0, totalSteps: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineSchedule(1, 0, totalSteps: 10, warmupSteps: 11));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineSchedule(1, 0, 10).At(-1));
    }
}
