using System.Text;

namespace BamOrleans.GrainStorage;

/// <summary>
/// Where a grain's state lives: <c>grain-state/{stateName}/{grainId}</c>, each part escaped so that
/// any state name and grain key (slashes, dots, spaces, any Unicode) gives one valid blob segment
/// and two different grains never share a blob. Only ASCII letters, digits, '-' and '_' stay as
/// they are; every other UTF-8 byte becomes %XX (so '.' and '..' segments, '/' and trailing dots,
/// which Azure and folders treat specially, cannot occur).
/// </summary>
public static class GrainStateBlobNames
{
    public const string Prefix = "grain-state/";

    public static string For(string stateName, GrainId grainId)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        return $"{Prefix}{Escape(stateName)}/{Escape(grainId.ToString())}";
    }

    /// <summary>A grain id always has a type, so its escaped form is never empty.</summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'_')
                escaped.Append((char)b);
            else
                escaped.Append('%').Append(b.ToString("X2"));
        }
        return escaped.ToString();
    }
}
