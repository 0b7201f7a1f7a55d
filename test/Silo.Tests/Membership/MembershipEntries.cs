using System.Net;
using Orleans;
using Orleans.Runtime;

namespace OrleansKaitoScaler.Silo.Tests.Membership;

/// <summary>Rows as Orleans' <c>MembershipTableTestsBase</c> makes them: one endpoint, a new generation each, Joining.</summary>
internal static class MembershipEntries
{
    public const int Port = 12345;

    private static int s_generation;

    public static MembershipEntry New(SiloStatus status = SiloStatus.Joining)
    {
        var silo = NewSiloAddress();
        return new MembershipEntry
        {
            SiloAddress = silo,
            HostName = Dns.GetHostName(),
            SiloName = "TestSiloName",
            Status = status,
            ProxyPort = silo.Endpoint.Port,
            StartTime = NowToTheSecond(),
            IAmAliveTime = NowToTheSecond(),
        };
    }

    public static SiloAddress NewSiloAddress() => SiloAddress.New(IPAddress.Loopback, Port, Interlocked.Increment(ref s_generation));

    public static DateTime NowToTheSecond()
    {
        var now = DateTime.UtcNow;
        return new DateTime(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, DateTimeKind.Utc);
    }
}
