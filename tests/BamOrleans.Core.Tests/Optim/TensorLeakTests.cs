using BamOrleans.Core.Models;
using BamOrleans.Core.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Optim;

/// <summary>Optimizer steps run every training step: none of them may leave tensors behind.</summary>
public class TensorLeakTests
{
    [Fact]
    public void Training_step_helpers_leave_no_live_tensors()
    {
        using var student = Encoder.Create(EncoderOptions.ForFashionMnist() with { Width = 4, ProjectorHiddenDim = 16, ProjectorOutDim = 8 }, seed: 1);
        using var teacher = EmaTeacher.CreateTeacher(student);
        var groups = ParameterGroups.Split(student);
        using var adamw = new AdamW(groups);
        using var lars = new Lars(groups);
        var images = randn(4, 1, 28, 28);

        void TrainingStep()
        {
            using (var scope = NewDisposeScope())
                student.forward(images).square().sum().backward();
            GradientClipping.ClipPerParameter(student.parameters(), 3.0);
            GradientClipping.ClipGlobalNorm(student.parameters(), 3.0);
            adamw.Step(1e-3, 0.04);
            lars.Step(1e-3, 0.04);
            EmaTeacher.Update(teacher, student, 0.996);
            adamw.ZeroGrad();
        }

        TrainingStep(); // first backward allocates the .grad tensors
        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var i = 0; i < 5; i++)
            TrainingStep();
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
