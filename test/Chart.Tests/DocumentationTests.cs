using OrleansKaitoScaler.Silo.Hosting;

namespace OrleansKaitoScaler.Chart.Tests;

/// <summary>The shipped documentation names every flag and option the code has, and the README links it.</summary>
public sealed class DocumentationTests
{
    private static readonly string s_configuration = File.ReadAllText(Repository.Path("docs", "configuration.md"));

    [Fact]
    public void The_configuration_reference_names_every_flag_with_its_key()
    {
        Assert.All(CommandLine.SwitchMappings, flag =>
            Assert.Contains($"| `{flag.Key} ", s_configuration, StringComparison.Ordinal));
        Assert.All(CommandLine.SwitchMappings, flag =>
            Assert.Contains($"| `{flag.Value}` |", s_configuration, StringComparison.Ordinal));
    }

    [Fact]
    public void The_configuration_reference_names_every_option_the_scaler_binds()
    {
        var keys = ScalerOptions.Keys().ToList();

        Assert.Contains("Provisioning:ScalerServiceName", keys);
        Assert.All(keys, key => Assert.True(s_configuration.Contains($"| `{key}` |", StringComparison.Ordinal),
            $"docs/configuration.md does not document {key}"));
    }

    [Fact]
    public void The_README_links_the_deployment_documents()
    {
        var readme = File.ReadAllText(Repository.Path("README.md"));

        Assert.All(["docs/install.md", "docs/migrate-from-keda-kaito-scaler.md", "docs/configuration.md", "docs/troubleshooting.md", "charts/orleans-kaito-scaler"],
            link =>
            {
                Assert.Contains($"]({link}", readme, StringComparison.Ordinal);
                Assert.True(Path.Exists(Repository.Path(link.Split('/'))), $"{link} does not exist");
            });
    }
}
