namespace BamOrleans.Checkpoints.Tests;

public class CheckpointLayoutTests
{
    [Fact]
    public void Names_parse_back_to_step_and_file_and_sort_in_step_order()
    {
        var name = CheckpointLayout.BlobName("runs/r1/ckpt", 120, CheckpointLayout.ModelFile);

        Assert.Equal("runs/r1/ckpt/000000000120/model.bin", name);
        Assert.True(CheckpointLayout.TryParse("runs/r1/ckpt", name, out var step, out var file));
        Assert.Equal((120L, "model.bin"), (step, file));
        Assert.True(string.CompareOrdinal(CheckpointLayout.Folder("p", 99), CheckpointLayout.Folder("p", 100)) < 0);
    }

    [Theory]
    [InlineData("runs/r1/ckpt/000000000120")]
    [InlineData("runs/r1/ckpt/00000000012x/model.bin")]
    [InlineData("runs/r1/ckpt/000000000120/sub/model.bin")]
    [InlineData("runs/r1/ckptX/000000000120/model.bin")]
    public void Other_names_under_the_prefix_are_not_checkpoint_blobs(string name) =>
        Assert.False(CheckpointLayout.TryParse("runs/r1/ckpt", name, out _, out _));

    [Fact]
    public void An_empty_prefix_is_refused() =>
        Assert.Contains("prefix", Assert.Throws<ArgumentException>(() => CheckpointLayout.NormalizePrefix("/")).Message);
}
