using System.Globalization;

namespace BamOrleans.Core.Augmentation;

public sealed partial record AugmentationOptions
{
    /// <summary>Every problem with these settings, each naming the setting and how to fix it;
    /// empty when the options are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        AtLeastOne(problems, nameof(GlobalSize), GlobalSize, "set it to the encoder's input size, e.g. 224 (ImageNet) or 28 (Fashion-MNIST)");
        AtLeastOne(problems, nameof(LocalSize), LocalSize, "e.g. 96 for 224-pixel global views, 12–14 for 28-pixel ones");
        AtLeastOne(problems, nameof(BlurReferenceSize), BlurReferenceSize, "use the view size BlurSigma was chosen for, e.g. 224");

        AreaFraction(problems, nameof(GlobalScale), GlobalScale, "e.g. (0.25, 1.0)");
        AreaFraction(problems, nameof(LocalScale), LocalScale, "e.g. (0.05, 0.25)");
        PositiveRange(problems, nameof(AspectRatio), AspectRatio, "e.g. (0.75, 1.3333)");
        PositiveRange(problems, nameof(BlurSigma), BlurSigma, "e.g. (0.1, 2.0)");

        Probability(problems, nameof(FlipProbability), FlipProbability);
        Probability(problems, nameof(JitterProbability), JitterProbability);
        Probability(problems, nameof(GrayscaleProbability), GrayscaleProbability);
        PerView(problems, nameof(Blur), Blur);
        PerView(problems, nameof(Solarize), Solarize);

        Strength(problems, nameof(Brightness), Brightness);
        Strength(problems, nameof(Contrast), Contrast);
        Strength(problems, nameof(Saturation), Saturation);

        if (!(SolarizeThreshold is >= 0.0 and <= 1.0))
            problems.Add($"{nameof(SolarizeThreshold)} is {Show(SolarizeThreshold)} but must lie in [0, 1] (pixel values are in [0, 1]); the usual value is 0.5.");
        return problems;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem, if there is any.</summary>
    public void ThrowIfInvalid()
    {
        var problems = Validate();
        if (problems.Count > 0)
            throw new ArgumentException("Invalid augmentation options:" + Environment.NewLine + "  " +
                                        string.Join(Environment.NewLine + "  ", problems));
    }

    private static void AtLeastOne(List<string> problems, string key, int value, string fix)
    {
        if (value < 1)
            problems.Add($"{key} is {value.ToString(CultureInfo.InvariantCulture)} but must be at least 1 pixel; {fix}.");
    }

    private static void AreaFraction(List<string> problems, string key, (double Min, double Max) range, string example)
    {
        if (!(range.Min > 0.0 && range.Min <= range.Max && range.Max <= 1.0))
            problems.Add($"{key} is {Show(range)} but must satisfy 0 < Min <= Max <= 1 (a fraction of the image area); {example}.");
    }

    private static void PositiveRange(List<string> problems, string key, (double Min, double Max) range, string example)
    {
        if (!(range.Min > 0.0 && range.Min <= range.Max && double.IsFinite(range.Max)))
            problems.Add($"{key} is {Show(range)} but must satisfy 0 < Min <= Max (finite); {example}.");
    }

    private static void Probability(List<string> problems, string key, double value)
    {
        if (!(value is >= 0.0 and <= 1.0))
            problems.Add($"{key} is {Show(value)} but must be a probability in [0, 1]; use 0 to turn it off.");
    }

    private static void PerView(List<string> problems, string key, ViewProbabilities? probabilities)
    {
        if (probabilities is null)
        {
            problems.Add($"{key} is missing; use ViewProbabilities.Never to turn it off.");
            return;
        }
        if (probabilities.Global.Count == 0)
            problems.Add($"{key}.Global is empty; give one probability per global view, e.g. [1.0, 0.1], or [0] to turn it off.");
        for (var i = 0; i < probabilities.Global.Count; i++)
            Probability(problems, $"{key}.Global[{i}]", probabilities.Global[i]);
        Probability(problems, $"{key}.Local", probabilities.Local);
    }

    private static void Strength(List<string> problems, string key, double value)
    {
        if (!(value >= 0.0 && double.IsFinite(value)))
            problems.Add($"{key} is {Show(value)} but must be a finite number >= 0 (the factor is drawn in [max(0, 1 - x), 1 + x]); use 0 to turn it off.");
    }

    // Settings are written with '.' decimals whatever the machine's culture, so messages are too.
    private static string Show(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Show((double Min, double Max) range) => $"({Show(range.Min)}, {Show(range.Max)})";
}
