namespace BamOrleans.Core.Objectives;

/// <summary>Where a slot's step stands, as an objective sees it.</summary>
/// <param name="Step">The global step.</param>
/// <param name="EpochProgress">Step / steps per epoch (fractional): schedules counted in epochs read it.</param>
/// <param name="Slot">w, this slot's position in the step's ordered slot list.</param>
/// <param name="Slots">W, the slots of the step.</param>
/// <param name="BatchPerSlot">B, the images this slot embeds.</param>
/// <param name="Samples">The dataset indices of this slot's B images, in batch order.</param>
public sealed record ObjectiveStep(long Step, double EpochProgress, int Slot, int Slots, int BatchPerSlot, int[] Samples);

/// <summary>Where a step stands on the leader, which sees all W slots at once.</summary>
/// <param name="DatasetSize">Images in the training set (the range of memory indices).</param>
/// <param name="Seed">The run's seed (objectives that sample, such as PIRL's negatives, key their draws by it and the step).</param>
public sealed record LeaderStep(long Step, double EpochProgress, int Slots, int BatchPerSlot, int DatasetSize, long Seed);
