using TorchSharp;
using BamOrleans.Core.Tests.Models;
using BamOrleans.Core.Models;
using BamOrleans.Core.Optim;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Optim;

public class EmaTeacherTests
{
    [Fact]
    public void Teacher_is_an_independent_frozen_copy_of_the_student()
    {
        using var student = Encoder.Create(EncoderOptions.ForFashionMnist(), seed: 11);
        using var teacher = EmaTeacher.CreateTeacher(student);

        foreach (var ((name, t), (_, s)) in teacher.named_parameters().Zip(student.named_parameters()))
        {
            Assert.True(TensorIdentity.AreIdentical(t, s), $"{name} not copied");
            Assert.False(t.requires_grad, $"{name} requires grad in the teacher");
            Assert.True(s.requires_grad);
        }
        using (no_grad())
            student.parameters().First().add_(1.0);
        Assert.False(TensorIdentity.AreIdentical(teacher.parameters().First(), student.parameters().First()));
        Assert.Equal(student.ParameterCount, teacher.ParameterCount);
    }

    [Fact]
    public void Update_moves_each_parameter_by_the_ema_formula()
    {
        using var student = Encoder.Create(EncoderOptions.ForFashionMnist(), seed: 1);
        student.to(ScalarType.Float64);
        using var teacher = EmaTeacher.CreateTeacher(student);
        // Make the two differ, then record the teacher before the update.
        WeightInitializer.Initialize(student, seed: 2);
        var before = teacher.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        const double m = 0.9;

        EmaTeacher.Update(teacher, student, m);

        foreach (var ((name, t), (_, s)) in teacher.named_parameters().Zip(student.named_parameters()))
        {
            var expected = before[name].mul(m).add(s.detach().mul(1 - m));
            Assert.True(t.allclose(expected, rtol: 1e-12, atol: 1e-15), $"{name} does not follow m·t + (1 − m)·s");
        }
    }

    [Fact]
    public void Momentum_one_keeps_the_teacher_and_zero_copies_the_student()
    {
        using var student = Encoder.Create(EncoderOptions.ForFashionMnist(), seed: 1);
        using var teacher = EmaTeacher.CreateTeacher(student);
        WeightInitializer.Initialize(student, seed: 2);
        var before = teacher.parameters().Select(p => p.detach().clone()).ToList();

        EmaTeacher.Update(teacher, student, 1.0);
        Assert.All(teacher.parameters().Zip(before), pair => Assert.True(TensorIdentity.AreIdentical(pair.First, pair.Second)));

        EmaTeacher.Update(teacher, student, 0.0);
        Assert.All(teacher.parameters().Zip(student.parameters()), pair => Assert.True(TensorIdentity.AreIdentical(pair.First, pair.Second)));
        Assert.Throws<ArgumentOutOfRangeException>(() => EmaTeacher.Update(teacher, student, 1.5));
    }

    [Fact]
    public void Buffers_are_copied_from_the_student()
    {
        using var student = Encoder.Create(EncoderOptions.ForFashionMnist() with { Norm = NormKind.Batch }, seed: 1);
        using var teacher = EmaTeacher.CreateTeacher(student);
        using (var scope = NewDisposeScope())
            student.forward(randn(8, 1, 28, 28)); // training-mode forward moves the running stats

        EmaTeacher.Update(teacher, student, 0.99);

        var buffers = teacher.named_buffers().Zip(student.named_buffers()).ToList();
        Assert.NotEmpty(buffers);
        Assert.All(buffers, pair => Assert.True(TensorIdentity.AreIdentical(pair.First.buffer, pair.Second.buffer), pair.First.name));
    }
}
