namespace BamOrleans.Grains.Training;

/// <summary>Where a slot's loop stands.</summary>
public enum SlotState
{
    /// <summary>Not joined to a run (or left it).</summary>
    Idle,

    /// <summary>Waiting for the run to be Running.</summary>
    Waiting,

    Training,

    /// <summary>The run reached its planned steps or ended.</summary>
    Finished,

    /// <summary>The loop stopped on an error; see <see cref="SlotReport.Error"/>.</summary>
    Failed,
}

/// <summary>A slot's state at one moment.</summary>
/// <param name="SlotId">The slot's grain key.</param>
/// <param name="Silo">The silo whose memory holds the slot's model.</param>
/// <param name="CompletedSteps">Steps this replica has applied.</param>
/// <param name="Generation">The run generation of its last step.</param>
/// <param name="LastLoss">The global loss of the last completed step (NaN before the first).</param>
/// <param name="ParameterChecksum">XxHash64 of the student's parameter bytes now: equal replicas have equal checksums.</param>
/// <param name="Error">Why the loop stopped, when <see cref="SlotState.Failed"/>.</param>
/// <param name="LastCheckpointStep">The newest checkpoint of the run this slot's silo has committed
/// to the store (the next step it resumes at), or null when it has written none.</param>
/// <param name="Device">The device the slot's replica trains on: "cpu" or "cuda:i" (the silo's
/// --device and --slots). Defaults to "cpu", what every slot ran on before devices could be chosen.</param>
[GenerateSerializer, Immutable, Alias("bam.SlotReport")]
public sealed record SlotReport(
    [property: Id(0)] string SlotId,
    [property: Id(1)] string RunId,
    [property: Id(2)] SiloAddress Silo,
    [property: Id(3)] SlotState State,
    [property: Id(4)] long CompletedSteps,
    [property: Id(5)] long Generation,
    [property: Id(6)] double LastLoss,
    [property: Id(7)] ulong ParameterChecksum,
    [property: Id(8)] string? Error,
    [property: Id(9)] long? LastCheckpointStep = null,
    [property: Id(10)] string Device = "cpu");
