namespace BamOrleans.Data.Idx;

/// <summary>The content of an idx image file: <paramref name="Count"/> images of
/// <paramref name="Rows"/>×<paramref name="Columns"/> bytes each, row-major, one after another.</summary>
public sealed record IdxImages(int Count, int Rows, int Columns, byte[] Pixels);
