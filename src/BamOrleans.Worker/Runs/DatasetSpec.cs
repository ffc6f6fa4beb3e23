namespace BamOrleans.Worker.Runs;

/// <summary>Which images a run trains on, as every silo resolves it locally (each silo reads its
/// own copy: the package directory here, a mounted volume or a blob container in production).</summary>
/// <param name="Kind">"fashion-mnist" or "folder".</param>
/// <param name="Path">The directory on the silo.</param>
/// <param name="ImageSize">Side of the square images a folder is resized to (ignored for Fashion-MNIST).</param>
public sealed record DatasetSpec(string Kind, string Path, int ImageSize);
