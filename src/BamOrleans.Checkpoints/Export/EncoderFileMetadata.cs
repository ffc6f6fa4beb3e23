using System.Globalization;
using System.Text.Json;
using BamOrleans.Core.Data;
using BamOrleans.Core.Models;

namespace BamOrleans.Checkpoints.Export;

/// <summary>
/// What an encoder file says about its weights, kept in the safetensors "__metadata__" map (whose
/// values are strings, so numbers are invariant-culture text and structured values are JSON):
/// enough to rebuild the encoder, feed it images the way it was trained, and tell where it came from.
/// </summary>
/// <param name="RunId">The run that trained it.</param>
/// <param name="Step">The checkpoint's step (the run's next step when it was taken).</param>
/// <param name="Seed">The run's seed: <c>Encoder.Create(Encoder, Seed)</c> is the trained encoder's
/// own starting point, the random baseline of an evaluation.</param>
/// <param name="Encoder">The architecture; the tensors are exactly this encoder's state dict.</param>
/// <param name="FeatureDim">Width of the pooled backbone features (what k-NN and linear probes read).</param>
/// <param name="NormalizerMean">Per-channel mean the pixels (in [0, 1]) were standardised with.</param>
/// <param name="NormalizerStd">Per-channel standard deviation.</param>
/// <param name="Source">Where the weights were read (the checkpoint's manifest blob), or null.</param>
public sealed record EncoderFileMetadata(
    string RunId,
    long Step,
    long Seed,
    EncoderOptions Encoder,
    int FeatureDim,
    float[] NormalizerMean,
    float[] NormalizerStd,
    string? Source = null)
{
    /// <summary>Value of <see cref="Keys.Format"/>: tells this file from other safetensors files.</summary>
    public const string FormatName = "bam-encoder";

    /// <summary>Raised when a key changes meaning or a required one is added; readers refuse others.</summary>
    public const int FormatVersion = 1;

    /// <summary>The metadata keys (docs/encoder-export.md describes each).</summary>
    public static class Keys
    {
        public const string Format = "format";
        public const string FormatVersion = "format_version";
        public const string RunId = "run_id";
        public const string Step = "step";
        public const string Seed = "seed";
        public const string EncoderOptions = "encoder_options";
        public const string FeatureDim = "feature_dim";
        public const string NormalizerMean = "normalizer_mean";
        public const string NormalizerStd = "normalizer_std";
        public const string Source = "source";

        /// <summary>SHA-256 of the data section, written by the exporter and checked by every reader.</summary>
        public const string DataSha256 = "data_sha256";
    }

    /// <summary>The normalizer the encoder was trained with.</summary>
    public PixelNormalizer Normalizer => new(NormalizerMean, NormalizerStd);

    /// <summary>The metadata map without <see cref="Keys.DataSha256"/> (the writer adds that).</summary>
    public IReadOnlyDictionary<string, string> ToDictionary()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Keys.Format] = FormatName,
            [Keys.FormatVersion] = FormatVersion.ToString(CultureInfo.InvariantCulture),
            [Keys.RunId] = RunId,
            [Keys.Step] = Step.ToString(CultureInfo.InvariantCulture),
            [Keys.Seed] = Seed.ToString(CultureInfo.InvariantCulture),
            [Keys.EncoderOptions] = EncoderOptionsJson.Serialize(Encoder),
            [Keys.FeatureDim] = FeatureDim.ToString(CultureInfo.InvariantCulture),
            // Shortest round-trip text: the floats read back bit for bit.
            [Keys.NormalizerMean] = JsonSerializer.Serialize(NormalizerMean),
            [Keys.NormalizerStd] = JsonSerializer.Serialize(NormalizerStd),
        };
        if (Source is not null) map[Keys.Source] = Source;
        return map;
    }

    /// <summary>Parses the metadata of an encoder file; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="EncoderFileException">A key is missing or malformed, or the file is another format or version.</exception>
    public static EncoderFileMetadata Parse(IReadOnlyDictionary<string, string> map, string source)
    {
        ArgumentNullException.ThrowIfNull(map);
        EncoderFileException Bad(string reason) => new(source, reason);
        string Get(string key) => map.TryGetValue(key, out var value)
            ? value
            : throw Bad($"its metadata has no '{key}': it is not a complete BAM encoder export (write it with `bam checkpoint export`)");

        if (!map.TryGetValue(Keys.Format, out var format) || format != FormatName)
            throw Bad(format is null
                ? $"its metadata has no '{Keys.Format}': a safetensors file, but not a BAM encoder export (load it with safetensors directly)"
                : $"its metadata says format '{format}', not '{FormatName}'");
        var version = Integer(Get(Keys.FormatVersion), Keys.FormatVersion, Bad);
        if (version != FormatVersion)
            throw Bad($"it is {FormatName} version {version}; this version of bam reads version {FormatVersion}");
        var runId = Get(Keys.RunId);
        var step = Integer(Get(Keys.Step), Keys.Step, Bad);
        var seed = Integer(Get(Keys.Seed), Keys.Seed, Bad);
        var encoder = EncoderOptionsJson.Deserialize(Get(Keys.EncoderOptions), source, Keys.EncoderOptions);
        var featureDim = Integer(Get(Keys.FeatureDim), Keys.FeatureDim, Bad);
        if (featureDim is < 1 or > int.MaxValue)
            throw Bad($"metadata '{Keys.FeatureDim}' is {featureDim}; a feature width is a positive integer");
        var mean = Floats(Get(Keys.NormalizerMean), Keys.NormalizerMean, Bad);
        var std = Floats(Get(Keys.NormalizerStd), Keys.NormalizerStd, Bad);
        if (mean.Length != encoder.InChannels || std.Length != encoder.InChannels)
            throw Bad($"its normalizer has {mean.Length} means and {std.Length} standard deviations for an encoder of {encoder.InChannels} channel(s); there must be one of each per channel");
        if (std.Any(s => !(s > 0) || !float.IsFinite(s)) || mean.Any(m => !float.IsFinite(m)))
            throw Bad("its normalizer has a non-finite mean or a standard deviation that is not > 0");
        return new EncoderFileMetadata(runId, step, seed, encoder, (int)featureDim, mean, std, map.GetValueOrDefault(Keys.Source));
    }

    private static long Integer(string text, string key, Func<string, EncoderFileException> bad) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw bad($"metadata '{key}' is '{text}', not an integer");

    private static float[] Floats(string text, string key, Func<string, EncoderFileException> bad)
    {
        try
        {
            return JsonSerializer.Deserialize<float[]>(text) ?? throw bad($"metadata '{key}' is JSON null, not an array of numbers");
        }
        catch (JsonException)
        {
            throw bad($"metadata '{key}' is '{text}', not a JSON array of numbers");
        }
    }
}
