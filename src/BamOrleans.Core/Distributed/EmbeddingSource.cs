namespace BamOrleans.Core.Distributed;

/// <summary>Whose normalised rows a slot sends to the aggregator.</summary>
public enum EmbeddingSource
{
    /// <summary>The student's rows (no EMA teacher): they are both the rows and the columns of the
    /// attention, and the columns receive gradient.</summary>
    Student,

    /// <summary>The EMA teacher's rows: they give the columns and the Sinkhorn targets and receive no
    /// gradient; the student's rows never leave the slot.</summary>
    Teacher,
}
