namespace BamOrleans.Reports.Model;

/// <summary>One name/value line of the report's key facts, e.g. ("dataset", "fashion-mnist").</summary>
public sealed record KeyFact(string Name, string Value);
