using System.Buffers.Binary;
using BamOrleans.Grains.Steps;

namespace BamOrleans.Worker.Slots;

/// <summary>
/// What a slot reports to the run's step barrier once its gradient is averaged: its loss share
/// (the step's loss is the mean of the shares), the checksum of its parameters before the update
/// (equal on every replica, or the replicas have diverged) and the dataset indices it trained on.
/// </summary>
/// <remarks>The indices ride along (4 bytes an image) so that every replica learns the whole
/// step's samples from the barrier: any survivor can then say which samples each completed step
/// consumed, even after the slot that drew them is lost.</remarks>
internal readonly record struct SlotStepReport(double LossShare, ulong ParameterChecksum, int[] Samples)
{
    private const int HeaderLength = 20;

    public StepPayload ToPayload()
    {
        var bytes = new byte[HeaderLength + 4 * Samples.Length];
        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(0, 8), LossShare);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8, 8), ParameterChecksum);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16, 4), Samples.Length);
        for (var i = 0; i < Samples.Length; i++)
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(HeaderLength + 4 * i, 4), Samples[i]);
        return StepPayload.FromBytes(bytes);
    }

    public static SlotStepReport FromPayload(StepPayload payload, string slotId)
    {
        var bytes = payload.Bytes;
        var count = bytes.Length >= HeaderLength ? BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(16, 4)) : -1;
        if (count < 0 || bytes.Length != HeaderLength + 4L * count)
            throw new InvalidDataException(
                $"slot {slotId} reported {bytes.Length} bytes for its step, which is not a step report of this release: it runs another release of the worker; run one release on every silo.");
        var samples = new int[count];
        for (var i = 0; i < count; i++)
            samples[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(HeaderLength + 4 * i, 4));
        return new SlotStepReport(
            BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(0, 8)),
            BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(8, 8)),
            samples);
    }
}
