using System.CommandLine;
using System.Text.Json;
using BamOrleans.Cli.Commands;
using BamOrleans.Core.Data;
using BamOrleans.Data.Idx;
using BamOrleans.Silo;
using BamOrleans.Storage;
using BamOrleans.Tests.Shared;
using BamOrleans.Worker.Runs;
using Serilog;
using Xunit.Abstractions;

namespace BamOrleans.Cli.Tests;

/// <summary>`bam dataset prepare` and `bam dataset info` on a tiny idx folder and a folder store,
/// and a silo's dataset provider opening what prepare wrote.</summary>
public sealed class DatasetCommandTests(ITestOutputHelper testOutput) : IDisposable
{
    private readonly TinyFashionMnist _data = new(trainCount: 25, testCount: 8);
    private readonly string _store = Path.Combine(Path.GetTempPath(), "bam-dataset-store-" + Guid.NewGuid().ToString("N"));

    private sealed record Outcome(int Code, string Output, string Error);

    /// <summary>Runs `bam` as users type it, with its log in this test's output.</summary>
    private Outcome Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var previous = Log.Logger;
        Log.Logger = new LoggerConfiguration().MinimumLevel.Information().WriteTo.Sink(new TestOutputSink(testOutput)).CreateLogger();
        try
        {
            var code = BamCommandLine.Create().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
            testOutput.WriteLine($"bam {string.Join(' ', args)} → {code}\n{output}\n{error}");
            return new Outcome(code, output.ToString(), error.ToString());
        }
        finally
        {
            (Log.Logger as IDisposable)?.Dispose();
            Log.Logger = previous;
        }
    }

    private Outcome Prepare(params string[] extra) =>
        Run(["dataset", "prepare", "--source", _data.Directory, "--store-folder", _store, .. extra]);

    private static string OneLine(string error)
    {
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return Assert.Single(lines);
    }

    [Fact]
    public void Prepare_then_info_describe_the_dataset_for_people_and_as_json()
    {
        var prepared = Prepare("--name", "tiny-train", "--images-per-shard", "10");

        Assert.Equal(0, prepared.Code);
        Assert.Equal("", prepared.Error);
        Assert.Contains("tiny-train", prepared.Output);
        Assert.Contains("25 of 1x28x28", prepared.Output);
        Assert.Contains("3 of up to 10 images", prepared.Output);
        Assert.Contains("T-shirt/top", prepared.Output);

        var human = Run("dataset", "info", "--name", "tiny-train", "--store-folder", _store, "--verify");
        Assert.Equal(0, human.Code);
        Assert.Contains("intact", human.Output);
        Assert.Contains("SHA-256 verified", human.Output);

        var json = Run("dataset", "info", "--name", "tiny-train", "--store-folder", _store, "--json");
        Assert.Equal(0, json.Code);
        using var document = JsonDocument.Parse(json.Output);
        var root = document.RootElement;
        Assert.Equal("tiny-train", root.GetProperty("name").GetString());
        Assert.Equal("fashion-mnist/train", root.GetProperty("source").GetString());
        Assert.Equal(25, root.GetProperty("imageCount").GetInt32());
        Assert.Equal([1, 28, 28], new[] { "channels", "height", "width" }.Select(p => root.GetProperty(p).GetInt32()));
        Assert.Equal(10, root.GetProperty("classCount").GetInt32());
        Assert.Equal([(0, 10), (10, 10), (20, 5)],
            root.GetProperty("shards").EnumerateArray().Select(s => (s.GetProperty("firstIndex").GetInt32(), s.GetProperty("count").GetInt32())));
        Assert.True(root.GetProperty("check").GetProperty("intact").GetBoolean());
        Assert.False(root.GetProperty("check").GetProperty("contentsRead").GetBoolean());
        // The statistics are those of the source's pixels on the [0, 1] scale.
        var source = FashionMnist.Load(_data.Directory, FashionMnistSplit.Train);
        var pixels = Enumerable.Range(0, source.Count).SelectMany(i => Pixels(source, i)).Select(v => v / 255.0).ToArray();
        Assert.Equal(pixels.Average(), root.GetProperty("mean")[0].GetDouble(), 1e-12);
    }

    [Fact]
    public void Prepare_json_answers_with_the_manifest_of_the_chosen_split()
    {
        var prepared = Prepare("--name", "tiny-test", "--split", "test", "--json");

        Assert.Equal(0, prepared.Code);
        using var document = JsonDocument.Parse(prepared.Output);
        Assert.Equal(8, document.RootElement.GetProperty("imageCount").GetInt32());
        Assert.Equal("fashion-mnist/test", document.RootElement.GetProperty("source").GetString());
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("check").ValueKind);
    }

    [Fact]
    public void Info_on_a_damaged_shard_exits_4_naming_the_blob()
    {
        Assert.Equal(0, Prepare("--name", "tiny", "--images-per-shard", "10").Code);
        var shard = Directory.GetFiles(Path.Combine(_store, "datasets", "tiny"), "shard-00001-*.bin").Single();
        var bytes = File.ReadAllBytes(shard);
        bytes[100] ^= 0x40;
        File.WriteAllBytes(shard, bytes);

        // Same length: only reading the shard finds it.
        Assert.Equal(0, Run("dataset", "info", "--name", "tiny", "--store-folder", _store).Code);
        var verified = Run("dataset", "info", "--name", "tiny", "--store-folder", _store, "--verify");

        Assert.Equal(4, verified.Code);
        var line = OneLine(verified.Error);
        Assert.Contains($"datasets/tiny/{Path.GetFileName(shard)}", line);
        Assert.Contains("altered", line);
        Assert.Contains("--replace", line);
        Assert.Contains("DAMAGED", verified.Output);
    }

    [Fact]
    public void Info_on_a_damaged_manifest_exits_4_and_on_a_missing_one_2()
    {
        Assert.Equal(0, Prepare("--name", "tiny").Code);
        File.WriteAllText(Path.Combine(_store, "datasets", "tiny", "manifest.json"), "{ not json");

        var damaged = Run("dataset", "info", "--name", "tiny", "--store-folder", _store);
        var missing = Run("dataset", "info", "--name", "absent", "--store-folder", _store);

        Assert.Equal(4, damaged.Code);
        Assert.Contains("datasets/tiny/manifest.json is not valid manifest JSON", OneLine(damaged.Error));
        Assert.Equal(2, missing.Code);
        Assert.Contains("datasets/absent/manifest.json does not exist", OneLine(missing.Error));
    }

    [Theory]
    [InlineData(new[] { "--name", "Tiny Set" }, "dataset name \"Tiny Set\" contains 'T'")]
    [InlineData(new[] { "--name", "tiny", "--kind", "lmdb" }, "--kind lmdb: unknown; use fashion-mnist or folder")]
    [InlineData(new[] { "--name", "tiny", "--kind", "folder", "--split", "test" }, "--split applies to --kind fashion-mnist only")]
    [InlineData(new[] { "--name", "tiny", "--image-size", "64" }, "--image-size applies to --kind folder only")]
    [InlineData(new[] { "--name", "tiny", "--split", "validation" }, "--split validation: unknown; use train or test")]
    [InlineData(new[] { "--name", "tiny", "--images-per-shard", "0" }, "--images-per-shard 0: give at least 1")]
    public void Bad_input_exits_2_with_one_line_and_writes_nothing(string[] options, string message)
    {
        var outcome = Prepare(options);

        Assert.Equal(2, outcome.Code);
        Assert.Contains(message, OneLine(outcome.Error));
        Assert.False(Directory.Exists(Path.Combine(_store, "datasets")));
    }

    [Fact]
    public void Prepare_without_a_store_or_onto_a_taken_name_exits_2_and_keeps_the_dataset()
    {
        var noStore = Run("dataset", "prepare", "--source", _data.Directory, "--name", "tiny");
        Assert.Equal(2, noStore.Code);
        Assert.Contains("--store-folder", OneLine(noStore.Error));

        Assert.Equal(0, Prepare("--name", "tiny").Code);
        var manifest = File.ReadAllBytes(Path.Combine(_store, "datasets", "tiny", "manifest.json"));
        var taken = Prepare("--name", "tiny", "--split", "test");
        Assert.Equal(2, taken.Code);
        Assert.Contains("dataset 'tiny' already exists", OneLine(taken.Error));
        Assert.Equal(manifest, File.ReadAllBytes(Path.Combine(_store, "datasets", "tiny", "manifest.json")));

        Assert.Equal(0, Prepare("--name", "tiny", "--split", "test", "--replace").Code);
        Assert.Contains("\"imageCount\": 8", File.ReadAllText(Path.Combine(_store, "datasets", "tiny", "manifest.json")));
    }

    [Fact]
    public void A_silo_provider_opens_what_prepare_wrote_from_its_own_store()
    {
        Assert.Equal(0, Prepare("--name", "tiny", "--images-per-shard", "7").Code);
        var source = FashionMnist.Load(_data.Directory, FashionMnistSplit.Train);
        var provider = new LocalDatasetProvider(new LocalFolderBlobStore(_store));

        var opened = provider.Open(new DatasetSpec(LocalDatasetProvider.StoreKind, "tiny", ImageSize: 0));

        Assert.Equal(source.Count, opened.Count);
        Assert.Equal(source.Shape, opened.Shape);
        for (var i = 0; i < source.Count; i++)
        {
            Assert.Equal(Pixels(source, i), Pixels(opened, i));
            Assert.Equal(source.Label(i), opened.Label(i));
        }
        Assert.Same(opened, provider.Open(new DatasetSpec(LocalDatasetProvider.StoreKind, "tiny", ImageSize: 0)));
        // The disk kinds still work beside it.
        Assert.Equal(source.Count, provider.Open(new DatasetSpec(LocalDatasetProvider.FashionMnistKind, _data.Directory, 0)).Count);
    }

    [Fact]
    public void A_silo_provider_without_a_store_names_the_options_that_give_one()
    {
        var error = Assert.Throws<BlobStoreConfigurationException>(
            () => new LocalDatasetProvider().Open(new DatasetSpec(LocalDatasetProvider.StoreKind, "tiny", 0)));

        Assert.Contains("--store-folder", error.Message);
        Assert.Contains("--store-container", error.Message);
        Assert.Contains("'tiny'", error.Message);
    }

    [Fact]
    public void A_silo_provider_names_a_missing_dataset_and_finds_it_once_prepared()
    {
        var provider = new LocalDatasetProvider(new LocalFolderBlobStore(_store));
        var spec = new DatasetSpec(LocalDatasetProvider.StoreKind, "later", 0);

        var error = Assert.Throws<InvalidDataException>(() => provider.Open(spec));
        Assert.Contains("datasets/later/manifest.json does not exist", error.Message);

        // The failure is not cached: once prepared, the same provider opens it.
        Assert.Equal(0, Prepare("--name", "later").Code);
        Assert.Equal(25, provider.Open(spec).Count);
    }

    private static byte[] Pixels(IImageDataset dataset, int index)
    {
        var pixels = new byte[dataset.Shape.PixelCount];
        dataset.CopyPixels(index, pixels);
        return pixels;
    }

    public void Dispose()
    {
        _data.Dispose();
        try { if (Directory.Exists(_store)) Directory.Delete(_store, recursive: true); }
        catch (IOException) { /* best effort: a leaked temp folder must not fail a test */ }
    }
}
