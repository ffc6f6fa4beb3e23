using System.Buffers.Binary;
using BamOrleans.Grains.Steps;

namespace BamOrleans.Worker.Slots;

/// <summary>
/// What a slot reports to the run's step barrier once its gradient is averaged: its loss share
/// (the step's loss is the mean of the shares) and the checksum of its parameters before the
/// update (equal on every replica, or the replicas have diverged).
/// </summary>
internal readonly record struct SlotStepReport(double LossShare, ulong ParameterChecksum)
{
    private const int Length = 16;

    public StepPayload ToPayload()
    {
        var bytes = new byte[Length];
        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(0, 8), LossShare);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8, 8), ParameterChecksum);
        return StepPayload.FromBytes(bytes);
    }

    public static SlotStepReport FromPayload(StepPayload payload, string slotId)
    {
        if (payload.Bytes.Length != Length)
            throw new InvalidDataException(
                $"slot {slotId} reported {payload.Bytes.Length} bytes for its step, not {Length}: it runs another release of the worker; run one release on every silo.");
        return new SlotStepReport(
            BinaryPrimitives.ReadDoubleLittleEndian(payload.Bytes.AsSpan(0, 8)),
            BinaryPrimitives.ReadUInt64LittleEndian(payload.Bytes.AsSpan(8, 8)));
    }
}
