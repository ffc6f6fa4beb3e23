using BamOrleans.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Core.Optim;

/// <summary>
/// The exponential-moving-average teacher of DINO/BAM: after each student step,
/// teacher ← m·teacher + (1 − m)·student for every parameter, and buffers (BatchNorm running
/// statistics) copied from the student. m follows <see cref="CosineSchedule.TeacherMomentum"/>.
/// </summary>
public static class EmaTeacher
{
    /// <summary>
    /// A deep copy of <paramref name="student"/> (same options, dtype, device, values) whose
    /// parameters do not require grad: the teacher is only ever changed by <see cref="Update"/>.
    /// </summary>
    public static Encoder CreateTeacher(Encoder student)
    {
        ArgumentNullException.ThrowIfNull(student);
        // The seed is irrelevant: every value is overwritten from the student below.
        var teacher = Encoder.Create(student.Options, seed: 0);
        var first = student.parameters().First();
        teacher.to(first.dtype);
        teacher.to(first.device);
        using (no_grad())
        {
            CopyBuffers(teacher, student);
            foreach (var (t, s) in Pairs(teacher.named_parameters(), student.named_parameters()))
                t.copy_(s);
        }
        foreach (var parameter in teacher.parameters())
            parameter.requires_grad = false;
        teacher.train(student.training);
        return teacher;
    }

    /// <summary>teacher ← m·teacher + (1 − m)·student (parameters, matched by name); buffers copied.</summary>
    public static void Update(nn.Module teacher, nn.Module student, double momentum)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(student);
        if (momentum is < 0 or > 1 || double.IsNaN(momentum))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "EMA momentum must be in [0, 1].");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var keep = momentum.ToScalar();
        using var take = (1 - momentum).ToScalar();
        foreach (var (t, s) in Pairs(teacher.named_parameters(), student.named_parameters()))
            t.mul_(keep).add_(s.detach(), alpha: take);
        CopyBuffers(teacher, student);
    }

    private static void CopyBuffers(nn.Module teacher, nn.Module student)
    {
        foreach (var (t, s) in Pairs(teacher.named_buffers(), student.named_buffers()))
            t.copy_(s);
    }

    /// <summary>Pairs tensors by name; the two modules must have the same names and shapes.</summary>
    private static IEnumerable<(Tensor Teacher, Tensor Student)> Pairs<T>(
        IEnumerable<(string Name, T Tensor)> teacher, IEnumerable<(string Name, T Tensor)> student) where T : Tensor
    {
        var students = student.ToDictionary(p => p.Name, p => p.Tensor, StringComparer.Ordinal);
        var teachers = teacher.ToList();
        if (teachers.Count != students.Count)
            throw new ArgumentException($"Teacher has {teachers.Count} tensors but the student has {students.Count}.");
        foreach (var (name, t) in teachers)
        {
            if (!students.TryGetValue(name, out var s))
                throw new ArgumentException($"Student has no tensor named '{name}'.");
            if (!t.shape.SequenceEqual(s.shape))
                throw new ArgumentException($"'{name}' has shape [{string.Join(", ", t.shape)}] in the teacher but [{string.Join(", ", s.shape)}] in the student.");
            yield return (t, s);
        }
    }
}
