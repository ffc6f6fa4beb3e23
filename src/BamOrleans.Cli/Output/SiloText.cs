namespace BamOrleans.Cli.Output;

/// <summary>How every command shows a silo: "ip:port", the address an operator starts and finds
/// it by (Orleans' own form adds an S prefix and the start generation).</summary>
internal static class SiloText
{
    public static string Of(SiloAddress silo) => $"{silo.Endpoint.Address}:{silo.Endpoint.Port}";
}
