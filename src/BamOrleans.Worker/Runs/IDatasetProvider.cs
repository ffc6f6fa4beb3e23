using BamOrleans.Core.Data;

namespace BamOrleans.Worker.Runs;

/// <summary>Opens a run's training images on this silo. The host supplies the implementation
/// (file formats live there, not here); implementations should cache, since every slot of a
/// silo asks for the same dataset.</summary>
public interface IDatasetProvider
{
    IImageDataset Open(DatasetSpec spec);
}
