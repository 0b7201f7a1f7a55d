using System.ComponentModel.DataAnnotations;

namespace OrleansKaitoScaler.Silo.Hosting;

/// <summary>Orleans ports for localhost clustering (configuration section <c>Orleans</c>); several silos on one host need distinct ones.</summary>
public sealed class LocalClusterOptions
{
    public const string SectionName = "Orleans";

    /// <summary>Silo-to-silo port (<c>--silo-port</c>).</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port (<c>--gateway-port</c>).</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The silo port of the first silo, which the others join (<c>--primary-silo-port</c>); unset means this silo is the primary.</summary>
    [Range(1, 65535)]
    public int? PrimarySiloPort { get; set; }
}
