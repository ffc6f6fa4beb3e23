using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using BamOrleans.Data.Shards;
using BamOrleans.Storage;
using Serilog.Core;

namespace BamOrleans.Data.Tests.Shards;

/// <summary>
/// What a prepared dataset promises, on any blob store: every pixel and label comes back, the shards
/// cut the images where the manifest says, the statistics are the pixels' own, and every kind of
/// damage fails at open with a message naming the blob and the fix. Run against a local folder and
/// against Azurite by the two subclasses.
/// </summary>
public abstract class PreparedDatasetContract
{
    protected abstract Task<IBlobStore> NewStore();

    private static PreparedDatasetWriter Writer(IBlobStore store) => new(store, Logger.None);

    [Fact]
    public async Task Every_pixel_and_label_comes_back_in_the_shards_the_manifest_lists()
    {
        var store = await NewStore();
        var source = SyntheticImages.Labelled(23);

        var manifest = await Writer(store).Write("synthetic", source, imagesPerShard: 10);
        var prepared = await PreparedDataset.Open(store, "synthetic");

        Assert.Equal(source.Count, prepared.Count);
        Assert.Equal(source.Shape, prepared.Shape);
        Assert.Equal(source.ClassCount, prepared.ClassCount);
        for (var i = 0; i < source.Count; i++)
        {
            Assert.Equal(SyntheticImages.PixelsOf(source, i), SyntheticImages.PixelsOf(prepared, i));
            Assert.Equal(source.Label(i), prepared.Label(i));
        }
        Assert.Equal([(0, 10), (10, 10), (20, 3)], manifest.Shards.Select(s => (s.FirstIndex, s.Count)));
        Assert.Equal(manifest.Shards, prepared.Manifest.Shards);

        // In the store: the three shards and the manifest, nothing else, each shard as long as the
        // layout says (header, pixels, one int32 label per image).
        var blobs = await store.List("datasets/synthetic/");
        Assert.Equal(
            manifest.Shards.Select(s => "datasets/synthetic/" + s.Blob).Append("datasets/synthetic/manifest.json").Order(StringComparer.Ordinal),
            blobs.Select(b => b.Name));
        foreach (var shard in manifest.Shards)
        {
            var blob = blobs.Single(b => b.Name == "datasets/synthetic/" + shard.Blob);
            Assert.Equal(32 + shard.Count * (source.Shape.PixelCount + 4), blob.Length);
            Assert.Equal(blob.Length, shard.Length);
        }
    }

    [Fact]
    public async Task A_shard_starts_with_the_documented_header_then_the_images_pixels_then_the_labels()
    {
        var store = await NewStore();
        var source = SyntheticImages.Labelled(5);
        var manifest = await Writer(store).Write("header", source, imagesPerShard: 3);

        var second = (await store.Read("datasets/header/" + manifest.Shards[1].Blob))!.Data;

        Assert.Equal("BAMSHARD", Encoding.ASCII.GetString(second, 0, 8));
        var ints = Enumerable.Range(0, 5).Select(i => BinaryPrimitives.ReadInt32LittleEndian(second.AsSpan(8 + 4 * i))).ToArray();
        Assert.Equal([1, 2, 3, 5, 4], ints); // version, count, channels, height, width
        Assert.Equal(1, second[28]);
        var pixels = source.Shape.PixelCount;
        Assert.Equal(SyntheticImages.PixelsOf(source, 3), second.AsSpan(32, pixels).ToArray());
        Assert.Equal(SyntheticImages.PixelsOf(source, 4), second.AsSpan(32 + pixels, pixels).ToArray());
        Assert.Equal(source.Label(4), BinaryPrimitives.ReadInt32LittleEndian(second.AsSpan(32 + 2 * pixels + 4)));
    }

    [Fact]
    public async Task The_manifest_holds_the_pixels_mean_and_std_on_the_normalizer_scale()
    {
        var store = await NewStore();
        var source = SyntheticImages.Labelled(17, seed: 5);
        var (mean, std) = SyntheticImages.DirectStatistics(source);

        await Writer(store).Write("stats", source, imagesPerShard: 4);
        var prepared = await PreparedDataset.Open(store, "stats");

        Assert.Equal(3, prepared.Manifest.Mean.Count);
        for (var c = 0; c < 3; c++)
        {
            Assert.Equal(mean[c], prepared.Manifest.Mean[c], 1e-12);
            Assert.Equal(std[c], prepared.Manifest.Std[c], 1e-12);
            Assert.Equal((float)mean[c], prepared.Normalizer.Mean[c]);
            Assert.Equal((float)std[c], prepared.Normalizer.Std[c]);
        }
    }

    [Fact]
    public async Task An_unlabelled_source_comes_back_unlabelled()
    {
        var store = await NewStore();
        var source = SyntheticImages.Unlabelled(4);

        var manifest = await Writer(store).Write("unlabelled", source);
        var prepared = await PreparedDataset.Open(store, "unlabelled");

        Assert.Null(manifest.ClassCount);
        Assert.Equal(0, prepared.ClassCount);
        Assert.Equal(-1, prepared.Label(3));
        Assert.Equal(SyntheticImages.PixelsOf(source, 3), SyntheticImages.PixelsOf(prepared, 3));
        Assert.Equal(32 + 4 * source.Shape.PixelCount, manifest.Shards.Single().Length);
    }

    [Fact]
    public async Task A_truncated_shard_fails_naming_the_blob_and_the_fix()
    {
        var store = await NewStore();
        var manifest = await Writer(store).Write("truncated", SyntheticImages.Labelled(12), imagesPerShard: 5);
        var blob = "datasets/truncated/" + manifest.Shards[1].Blob;
        var data = (await store.Read(blob))!.Data;
        await store.Write(blob, new MemoryStream(data[..^7]));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => PreparedDataset.Open(store, "truncated"));

        Assert.Contains(blob, error.Message);
        Assert.Contains($"truncated: {data.Length - 7} bytes, the manifest says {data.Length}", error.Message);
        Assert.Contains("bam dataset prepare --name truncated", error.Message);
        Assert.Equal(PreparedDatasetProblem.Damaged, PreparedDatasetError.ProblemOf(error));
        Assert.Equal(blob, PreparedDatasetError.BlobOf(error));
    }

    [Fact]
    public async Task An_altered_shard_fails_naming_the_blob()
    {
        var store = await NewStore();
        var manifest = await Writer(store).Write("altered", SyntheticImages.Labelled(12), imagesPerShard: 5);
        var blob = "datasets/altered/" + manifest.Shards[2].Blob;
        var data = (await store.Read(blob))!.Data;
        data[40] ^= 0x01; // one bit of one pixel: same length, different bytes
        await store.Write(blob, new MemoryStream(data));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => PreparedDataset.Open(store, "altered"));

        Assert.Contains(blob, error.Message);
        Assert.Contains("altered", error.Message);
        Assert.Contains(manifest.Shards[2].Sha256, error.Message);
        Assert.Contains("--replace", error.Message);
    }

    [Fact]
    public async Task A_deleted_shard_fails_naming_the_blob()
    {
        var store = await NewStore();
        var manifest = await Writer(store).Write("holed", SyntheticImages.Labelled(12), imagesPerShard: 5);
        var blob = "datasets/holed/" + manifest.Shards[0].Blob;
        await store.Delete(blob);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => PreparedDataset.Open(store, "holed"));

        Assert.Contains($"blob {blob} does not exist", error.Message);
    }

    [Fact]
    public async Task A_missing_manifest_fails_naming_it_and_saying_how_to_prepare()
    {
        var store = await NewStore();
        // Shards without a manifest: a preparation that never committed.
        var manifest = await Writer(store).Write("uncommitted", SyntheticImages.Labelled(3));
        await store.Delete("datasets/uncommitted/manifest.json");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => PreparedDataset.Open(store, "uncommitted"));

        Assert.Contains("prepared dataset 'uncommitted'", error.Message);
        Assert.Contains("datasets/uncommitted/manifest.json does not exist", error.Message);
        Assert.Contains("bam dataset prepare --name uncommitted", error.Message);
        Assert.Equal(PreparedDatasetProblem.NotFound, PreparedDatasetError.ProblemOf(error));
        Assert.NotNull(await store.GetInfo("datasets/uncommitted/" + manifest.Shards[0].Blob));
    }

    [Fact]
    public async Task A_manifest_of_an_unknown_format_version_is_refused_by_number()
    {
        var store = await NewStore();
        await Writer(store).Write("future", SyntheticImages.Labelled(3));
        var json = JsonNode.Parse((await store.Read("datasets/future/manifest.json"))!.Data)!;
        json["formatVersion"] = 99;
        await store.Write("datasets/future/manifest.json", new MemoryStream(Encoding.UTF8.GetBytes(json.ToJsonString())));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => PreparedDataset.Open(store, "future"));

        Assert.Contains("datasets/future/manifest.json has format version 99, but this bam reads version 1 only", error.Message);
        Assert.Equal(PreparedDatasetProblem.UnknownVersion, PreparedDatasetError.ProblemOf(error));
    }

    [Fact]
    public async Task A_manifest_that_is_not_json_fails_naming_it()
    {
        var store = await NewStore();
        await Writer(store).Write("garbled", SyntheticImages.Labelled(3));
        await store.Write("datasets/garbled/manifest.json", new MemoryStream("{\"formatVersion\": 1, \"name\": "u8.ToArray()));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => PreparedDataset.Open(store, "garbled"));

        Assert.Contains("datasets/garbled/manifest.json is not valid manifest JSON", error.Message);
    }

    [Fact]
    public async Task A_manifest_whose_shards_leave_a_gap_is_refused()
    {
        var store = await NewStore();
        await Writer(store).Write("gapped", SyntheticImages.Labelled(9), imagesPerShard: 3);
        var json = JsonNode.Parse((await store.Read("datasets/gapped/manifest.json"))!.Data)!;
        json["shards"]![1]!["firstIndex"] = 4;
        await store.Write("datasets/gapped/manifest.json", new MemoryStream(Encoding.UTF8.GetBytes(json.ToJsonString())));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => PreparedDataset.Open(store, "gapped"));

        Assert.Contains("datasets/gapped/manifest.json", error.Message);
        Assert.Contains("the next shard must start at image 3", error.Message);
    }

    [Theory]
    [InlineData("Fashion-MNIST", "'F'")]
    [InlineData("fashion mnist", "' '")]
    [InlineData("../escape", "'/'")]
    [InlineData("-leading-dash", "does not start with a letter or a digit")]
    [InlineData("", "is empty")]
    public async Task A_bad_name_is_refused_before_anything_is_written(string name, string why)
    {
        var store = await NewStore();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Writer(store).Write(name, SyntheticImages.Labelled(2)));

        Assert.Contains(why, error.Message);
        Assert.Contains(DatasetName.Rule, error.Message);
        Assert.Empty(await store.List("datasets/"));
        var open = await Assert.ThrowsAsync<ArgumentException>(() => PreparedDataset.Open(store, name));
        Assert.Contains(DatasetName.Rule, open.Message);
    }

    [Fact]
    public async Task A_taken_name_is_refused_and_the_dataset_kept_unless_replace_is_asked()
    {
        var store = await NewStore();
        var first = SyntheticImages.Labelled(6, seed: 1);
        var second = SyntheticImages.Labelled(4, seed: 2);
        var old = await Writer(store).Write("taken", first, imagesPerShard: 2);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Writer(store).Write("taken", second));
        Assert.Contains("dataset 'taken' already exists", error.Message);
        Assert.Contains("--replace", error.Message);
        Assert.Equal(SyntheticImages.PixelsOf(first, 5), SyntheticImages.PixelsOf(await PreparedDataset.Open(store, "taken"), 5));

        await Writer(store).Write("taken", second, imagesPerShard: 2, replace: true);
        var replaced = await PreparedDataset.Open(store, "taken");
        Assert.Equal(4, replaced.Count);
        Assert.Equal(SyntheticImages.PixelsOf(second, 3), SyntheticImages.PixelsOf(replaced, 3));
        // The old shards are gone: only the new ones and the manifest remain.
        var names = (await store.List("datasets/taken/")).Select(b => b.Name).ToList();
        Assert.Equal(3, names.Count);
        Assert.DoesNotContain(names, n => old.Shards.Any(s => n.EndsWith(s.Blob, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_verifier_lists_every_damaged_shard_and_only_reads_contents_when_asked()
    {
        var store = await NewStore();
        var manifest = await Writer(store).Write("checked", SyntheticImages.Labelled(12), imagesPerShard: 3);
        Assert.Empty(await PreparedDatasetVerifier.Check(store, manifest, readContents: true));

        var truncated = "datasets/checked/" + manifest.Shards[0].Blob;
        var altered = "datasets/checked/" + manifest.Shards[3].Blob;
        await store.Write(truncated, new MemoryStream((await store.Read(truncated))!.Data[..10]));
        var data = (await store.Read(altered))!.Data;
        data[^1] ^= 0xff;
        await store.Write(altered, new MemoryStream(data));

        var listed = await PreparedDatasetVerifier.Check(store, manifest, readContents: false);
        Assert.Equal([truncated], listed.Select(d => d.Blob));
        var read = await PreparedDatasetVerifier.Check(store, manifest, readContents: true);
        Assert.Equal([truncated, altered], read.Select(d => d.Blob));
        Assert.Contains("altered", read[1].Problem);
    }
}
