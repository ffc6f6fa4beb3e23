namespace BamOrleans.Storage.Tests.GrainStorage;

/// <summary>A small grain state: a number and a list, enough to see a real serialized round trip.</summary>
[GenerateSerializer]
public sealed class CounterState
{
    [Id(0)] public int Value { get; set; }

    [Id(1)] public List<string> Names { get; set; } = [];
}
