using Microsoft.Extensions.Options;
using OrleansKaitoScaler.Silo.Hosting;

namespace OrleansKaitoScaler.Silo.Tests.Hosting;

public sealed class ScalerAppTests
{
    [Theory]
    [InlineData("--grpc-port", "70000", "Gateway:GrpcPort")]
    [InlineData("--silo-port", "0", "Orleans:SiloPort")]
    [InlineData("--listen", "not-an-ip", "Gateway:ListenAddress")]
    public void A_bad_flag_stops_start_up_naming_its_key(string flag, string value, string key)
    {
        var error = Assert.Throws<OptionsValidationException>(() => ScalerApp.Build([flag, value]));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_lists_every_flag()
    {
        foreach (var flag in CommandLine.SwitchMappings.Keys)
        {
            Assert.Contains(flag, CommandLine.Help, StringComparison.Ordinal);
        }
    }
}
