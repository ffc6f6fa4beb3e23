using System.Text.Json;
using BamOrleans.Checkpoints.Export;
using BamOrleans.Core.Evaluation;
using BamOrleans.Data.Idx;
using Serilog;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace BamOrleans.Cli.Tests;

/// <summary>`bam eval knn|linear` on a real run's exported encoder and on its checkpoint in the store.</summary>
[Collection(TrainedRunCollection.Name)]
public class EvalCommandTests(TrainedRunStore run, ITestOutputHelper testOutput)
{
    private (int Code, string Output, string Errors) Bam(params string[] args) =>
        BamCli.Invoke(testOutput, args) is var r ? (r.Code, r.Output, r.Error) : default;

    private string Export()
    {
        var file = Path.Combine(run.Root, Guid.NewGuid().ToString("N") + ".safetensors");
        var (code, _, errors) = Bam("checkpoint", "export", TrainedRunStore.RunId, "--store-folder", run.Store, "--out", file);
        Assert.True(code == 0, errors);
        return file;
    }

    /// <summary>name → top-1 from the command's JSON answer.</summary>
    private static Dictionary<string, double> Scores(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("representations").EnumerateArray()
            .ToDictionary(r => r.GetProperty("name").GetString()!, r => r.GetProperty("top1").GetDouble());
    }

    /// <summary>EncoderComparison run directly on the file's weights, as `bam local` evaluates.</summary>
    private ComparisonResult Direct(string file, EvaluationMeasures measure)
    {
        var exported = EncoderExport.ReadFile(file);
        using var encoder = exported.CreateEncoder();
        var train = FashionMnist.Load(run.Data.Directory, FashionMnistSplit.Train);
        var test = FashionMnist.Load(run.Data.Directory, FashionMnistSplit.Test);
        set_num_threads(1);
        return EncoderComparison.Run(encoder, exported.Metadata.Encoder, exported.Metadata.Seed, train, test, exported.Metadata.Normalizer,
            new LoggerConfiguration().CreateLogger(), measure);
    }

    [Fact]
    public void Eval_knn_of_an_exported_encoder_equals_EncoderComparison_on_the_same_weights_beside_both_baselines()
    {
        var file = Export();

        var (code, output, errors) = Bam("eval", "knn", "--checkpoint", file, "--data", run.Data.Directory, "--threads", "1", "--json");

        Assert.True(code == 0, errors);
        var scores = Scores(output);
        var direct = Direct(file, EvaluationMeasures.Knn);
        Assert.Equal(direct.All.Select(r => r.Name), scores.Keys);
        Assert.Equal(["trained encoder", "random encoder", "raw pixels"], scores.Keys);
        foreach (var r in direct.All)
            Assert.Equal(r.KnnTop1, scores[r.Name]);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("knn", json.RootElement.GetProperty("measure").GetString());
        Assert.Equal(64, json.RootElement.GetProperty("trainImages").GetInt32());
        Assert.Equal(32, json.RootElement.GetProperty("testImages").GetInt32());
    }

    [Fact]
    public void Eval_of_the_run_in_the_store_equals_eval_of_its_exported_file()
    {
        var file = Export();

        var fromFile = Bam("eval", "knn", "--checkpoint", file, "--data", run.Data.Directory, "--threads", "1", "--json");
        var fromStore = Bam("eval", "knn", "--run", TrainedRunStore.RunId, "--store-folder", run.Store, "--data", run.Data.Directory, "--threads", "1", "--json");

        Assert.Equal(0, fromFile.Code);
        Assert.Equal(0, fromStore.Code);
        Assert.Equal(Scores(fromFile.Output), Scores(fromStore.Output));
    }

    [Fact]
    public void Eval_linear_runs_the_linear_probe_as_EncoderComparison_does()
    {
        var file = Export();

        var (code, output, errors) = Bam("eval", "linear", "--checkpoint", file, "--data", run.Data.Directory, "--threads", "1", "--json");

        Assert.True(code == 0, errors);
        var scores = Scores(output);
        foreach (var r in Direct(file, EvaluationMeasures.LinearProbe).All)
            Assert.Equal(r.LinearProbeTop1, scores[r.Name]);
        var (humanCode, human, _) = Bam("eval", "linear", "--checkpoint", file, "--data", run.Data.Directory, "--threads", "1");
        Assert.Equal(0, humanCode);
        Assert.Contains("linear probe top-1", human);
        Assert.Contains("raw pixels", human);
    }

    [Fact]
    public void Giving_both_sources_or_none_is_bad_input_with_one_line()
    {
        var file = Export();

        var both = Bam("eval", "knn", "--checkpoint", file, "--run", TrainedRunStore.RunId, "--store-folder", run.Store, "--data", run.Data.Directory);
        var none = Bam("eval", "knn", "--data", run.Data.Directory);

        Assert.Equal(2, both.Code);
        Assert.Equal(2, none.Code);
        Assert.Contains("--checkpoint <file.safetensors>, or --run <id>", none.Errors);
        Assert.Single(none.Errors.Trim().Split('\n'));
    }

    [Fact]
    public void A_damaged_encoder_file_is_bad_input_naming_the_file()
    {
        var file = Export();
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..^100]);

        var (code, _, errors) = Bam("eval", "knn", "--checkpoint", file, "--data", run.Data.Directory, "--threads", "1");

        Assert.Equal(2, code);
        Assert.Contains(Path.GetFullPath(file), errors);
        Assert.Contains("truncated", errors);
    }
}
