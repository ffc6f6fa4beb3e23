using System.Globalization;

namespace BamOrleans.Client.Connection;

/// <summary>One silo gateway a client may connect through: a host name or IP address and a port.</summary>
public sealed record GatewayAddress(string Host, int Port)
{
    /// <summary>The port `bam-silo` opens for clients unless told otherwise (its --gateway-port).</summary>
    public const int DefaultPort = 30000;

    /// <summary>Reads "host:port" ("[v6-address]:port" for IPv6). Returns null and sets
    /// <paramref name="problem"/> (what is wrong and the expected form) when it cannot.</summary>
    public static GatewayAddress? TryParse(string? text, out string? problem)
    {
        problem = null;
        var trimmed = text?.Trim() ?? "";
        // The last colon separates the port; a bracketed host keeps an IPv6 address's own colons apart.
        var colon = trimmed.LastIndexOf(':');
        if (colon <= 0 || colon == trimmed.Length - 1)
        {
            problem = $"'{text}' is not host:port (for example 10.0.0.4:{DefaultPort})";
            return null;
        }
        var host = trimmed[..colon];
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        else if (host.Contains(':'))
        {
            problem = $"'{text}': write an IPv6 address in brackets, as [::1]:{DefaultPort}";
            return null;
        }
        if (host.Length == 0 || host.Any(char.IsWhiteSpace))
        {
            problem = $"'{text}': the host part is empty or has spaces";
            return null;
        }
        if (!int.TryParse(trimmed[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            problem = $"'{text}': the port must be a number between 1 and 65535";
            return null;
        }
        return new GatewayAddress(host, port);
    }

    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
