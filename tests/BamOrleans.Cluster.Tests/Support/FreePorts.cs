using System.Net;
using System.Net.Sockets;

namespace BamOrleans.Cluster.Tests.Support;

/// <summary>Ports on 127.0.0.1 that were free a moment ago (the OS picks them; all held until all are known, so they differ).</summary>
internal static class FreePorts
{
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
