using System.Net;
using System.Net.Sockets;

namespace OrleansKaitoScaler.TestSupport;

/// <summary>Loopback ports nothing is listening on, for hosts (Orleans) that cannot bind port 0.</summary>
public static class FreePorts
{
    private static readonly HashSet<int> s_handedOut = [];

    public static int Next()
    {
        lock (s_handedOut)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (s_handedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
