namespace BamOrleans.Grains.Training;

/// <summary>One completed step as one slot saw it.</summary>
/// <param name="Step">The step.</param>
/// <param name="Generation">The generation it completed in.</param>
/// <param name="Epoch">The data epoch of its samples.</param>
/// <param name="SlotIndex">w, this slot's index in the step.</param>
/// <param name="SlotCount">W.</param>
/// <param name="Loss">The global loss: the mean of the W slots' shares.</param>
/// <param name="LossShare">This slot's share L_w.</param>
/// <param name="Skipped">True when the global loss was not finite and no replica updated.</param>
/// <param name="Samples">The dataset indices this slot drew, in its batch order.</param>
/// <param name="Phases">Where this slot's time went.</param>
/// <param name="LearningRate">The learning rate applied.</param>
/// <param name="Traffic">Bytes of tensor data this slot sent and received in the step.</param>
/// <param name="StepSamples">Every slot's samples of the step, in slot order (slot 0's batch,
/// then slot 1's, …), as the barrier delivered them: what the step consumed as a whole, known to
/// every replica that applied it.</param>
[GenerateSerializer, Immutable, Alias("bam.SlotStepRecord")]
public sealed record SlotStepRecord(
    [property: Id(0)] long Step,
    [property: Id(1)] long Generation,
    [property: Id(2)] int Epoch,
    [property: Id(3)] int SlotIndex,
    [property: Id(4)] int SlotCount,
    [property: Id(5)] double Loss,
    [property: Id(6)] double LossShare,
    [property: Id(7)] bool Skipped,
    [property: Id(8)] int[] Samples,
    [property: Id(9)] StepPhases Phases,
    [property: Id(10)] double LearningRate,
    [property: Id(11)] StepTraffic Traffic,
    [property: Id(12)] int[] StepSamples);

/// <summary>Bytes of tensor data (float32 elements; message headers not counted) one slot moved in
/// one step, by exchange. The floor each way is its V·B·D rows.</summary>
/// <param name="EmbeddingsUp">Its rows to the aggregator.</param>
/// <param name="TargetsDown">Columns and column scales from the aggregator.</param>
/// <param name="ColumnGradientsUp">dL/dC to the aggregator (0 with an EMA teacher).</param>
/// <param name="OwnColumnGradientsDown">Its own columns' reduced gradient (0 with an EMA teacher).</param>
/// <param name="GradientsUp">Its flattened parameter gradients (and buffers) to the gradient shards.</param>
/// <param name="GradientsDown">Their means back.</param>
/// <param name="Floor">V·B·D floats: what any scheme must move each way.</param>
[GenerateSerializer, Immutable, Alias("bam.StepTraffic")]
public sealed record StepTraffic(
    [property: Id(0)] long EmbeddingsUp,
    [property: Id(1)] long TargetsDown,
    [property: Id(2)] long ColumnGradientsUp,
    [property: Id(3)] long OwnColumnGradientsDown,
    [property: Id(4)] long GradientsUp,
    [property: Id(5)] long GradientsDown,
    [property: Id(6)] long Floor)
{
    /// <summary>The BAM exchanges only (the embedding protocol, without the parameter average).</summary>
    public long ObjectiveUp => EmbeddingsUp + ColumnGradientsUp;

    public long ObjectiveDown => TargetsDown + OwnColumnGradientsDown;
}

/// <summary>Seconds of one slot's step, by phase. The waits include the other slots' work: a
/// slot that waits long at the gather is faster than the slowest one.</summary>
/// <param name="Draw">Asking the data pool for the step's samples.</param>
/// <param name="Forward">Loading, augmenting and the encoder's forward pass (student and teacher).</param>
/// <param name="Gather">From sending the rows to receiving the targets (includes waiting for the other slots).</param>
/// <param name="Sinkhorn">Of <see cref="Gather"/>, the leader's S and Sinkhorn time.</param>
/// <param name="Share">The slot's loss share and its gradients.</param>
/// <param name="ColumnExchange">Sending dL/dC and receiving the reduced own-column gradient.</param>
/// <param name="Backward">The encoder's backward pass.</param>
/// <param name="GradientAverage">Flattening, averaging through the gradient shards, writing back.</param>
/// <param name="Barrier">Reporting to the run and waiting for every slot's report.</param>
/// <param name="Apply">Clipping, optimizer step, EMA teacher.</param>
/// <param name="Checkpoint">Copying a checkpoint to host memory (slot 0, when one is due): the
/// training stall; the upload runs in the background.</param>
/// <param name="Total">The whole step.</param>
[GenerateSerializer, Immutable, Alias("bam.StepPhases")]
public sealed record StepPhases(
    [property: Id(0)] double Draw,
    [property: Id(1)] double Forward,
    [property: Id(2)] double Gather,
    [property: Id(3)] double Sinkhorn,
    [property: Id(4)] double Share,
    [property: Id(5)] double ColumnExchange,
    [property: Id(6)] double Backward,
    [property: Id(7)] double GradientAverage,
    [property: Id(8)] double Barrier,
    [property: Id(9)] double Apply,
    [property: Id(10)] double Checkpoint,
    [property: Id(11)] double Total);
