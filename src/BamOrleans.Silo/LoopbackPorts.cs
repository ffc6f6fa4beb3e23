using System.Net;
using System.Net.Sockets;

namespace BamOrleans.Silo;

/// <summary>Free TCP ports on 127.0.0.1 for local clusters.</summary>
public static class LoopbackPorts
{
    /// <summary>Ports the OS has just handed out, bound together so all are distinct (another
    /// process could still take one before it is used: local clusters only).</summary>
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            foreach (var listener in listeners) listener.Start();
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners) listener.Stop();
        }
    }
}
