using System.Text.RegularExpressions;

namespace BamOrleans.Data.Shards;

/// <summary>
/// The rules for a prepared dataset's name. The name is one segment of a blob name
/// (datasets/&lt;name&gt;/...) and a command-line argument, so it is kept to characters that mean
/// the same thing in Azure, in a local folder on any file system (hence lower case only: a
/// case-insensitive disk would merge "Cifar" and "cifar") and in a shell.
/// </summary>
public static partial class DatasetName
{
    public const int MaxLength = 64;

    /// <summary>The rule in words, for error messages and help text.</summary>
    public const string Rule =
        "use 1-64 characters: lower-case letters a-z, digits 0-9, '-', '_' and '.', starting with a letter or a digit (e.g. fashion-mnist-train)";

    /// <summary>What is wrong with <paramref name="name"/>, or null when it is a valid dataset name.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name)) return $"dataset name is empty: {Rule}";
        if (name.Length > MaxLength) return $"dataset name \"{name}\" is {name.Length} characters long: {Rule}";
        if (!Pattern().IsMatch(name))
        {
            var bad = name.FirstOrDefault(c => !(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.'));
            var why = bad != default ? $"contains '{bad}'" : "does not start with a letter or a digit";
            return $"dataset name \"{name}\" {why}: {Rule}";
        }
        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> (no parameter suffix, the message is for people) when the name is invalid.</summary>
    public static void Validate(string? name)
    {
        if (Problem(name) is { } problem) throw new ArgumentException(problem);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex Pattern();
}
