using System.Security.Cryptography;

namespace BamOrleans.Storage;

/// <summary>The SHA-256 both stores report for a blob's bytes, in one spelling (lower-case hex).</summary>
internal static class ContentHash
{
    public static IncrementalHash Start() => IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public static string Finish(IncrementalHash hash) => Convert.ToHexStringLower(hash.GetHashAndReset());

    public static string Of(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));
}
