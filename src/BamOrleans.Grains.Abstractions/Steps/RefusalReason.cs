namespace BamOrleans.Grains.Steps;

/// <summary>Why a step message was refused. Each refusal is counted under its reason.</summary>
[GenerateSerializer, Alias("bam.RefusalReason")]
public enum RefusalReason
{
    /// <summary>The stamp names another run.</summary>
    WrongRun = 1,

    /// <summary>Sent under an older membership generation: a slot declared dead that came back, or a message that crossed a membership change.</summary>
    StaleGeneration = 2,

    /// <summary>Claims a generation the run has not issued yet (a bug, or the run lost its state).</summary>
    FutureGeneration = 3,

    /// <summary>For a step that has already completed (a late or replayed message).</summary>
    StaleStep = 4,

    /// <summary>For a step that has not started: a slot ran ahead of the barrier.</summary>
    FutureStep = 5,

    /// <summary>The slot is not registered in the current generation.</summary>
    UnknownSlot = 6,

    /// <summary>The slot already reported for this step; the first report stands.</summary>
    Duplicate = 7,

    /// <summary>The run takes no step messages in its current status (created, paused or ended).</summary>
    NotRunning = 8,
}
