using System.Text.RegularExpressions;
using System.Xml.Linq;
using OrleansKaitoScaler.Silo.Hosting;

namespace OrleansKaitoScaler.Chart.Tests;

/// <summary>
/// The Dockerfile, the SDK container properties in Silo.csproj and the chart describe the same image: ports, user and
/// command. (Neither image can be built here: there is no container engine.)
/// </summary>
public sealed partial class ContainerImageTests
{
    private static readonly string s_dockerfile = File.ReadAllText(Repository.Path("Dockerfile"));

    private static readonly XDocument s_project = XDocument.Load(Repository.Path("Silo", "Silo.csproj"));

    private static int[] ScalerPorts
    {
        get
        {
            var defaults = new ListenOptions();
            return [defaults.GrpcPort, defaults.MetricsPort, defaults.HealthPort];
        }
    }

    [Fact]
    public void Both_images_expose_the_scalers_three_default_ports()
    {
        var exposed = Instruction("EXPOSE").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse);
        var declared = s_project.Descendants("ContainerPort").Select(p => int.Parse((string)p.Attribute("Include")!));

        Assert.Equal(ScalerPorts, exposed);
        Assert.Equal(ScalerPorts, declared);
    }

    [Fact]
    public void Both_images_run_as_the_non_root_user_the_chart_asks_for()
    {
        var chartUser = Helm.Template().PodSpec["securityContext"]!["runAsUser"].AsInt();

        Assert.Equal(chartUser.ToString(System.Globalization.CultureInfo.InvariantCulture), Instruction("USER"));
        Assert.Equal(chartUser.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)s_project.Descendants("ContainerUser").Single());
    }

    [Fact]
    public void Both_images_start_the_Silo_assembly_in_Kubernetes_mode()
    {
        var assembly = typeof(ScalerApp).Assembly.GetName().Name + ".dll";

        Assert.Equal($"""["dotnet", "{assembly}", "--kubernetes"]""", Instruction("ENTRYPOINT"));
        Assert.Equal(["--kubernetes"], s_project.Descendants("ContainerAppCommandArgs").Select(a => (string?)a.Attribute("Include")));
    }

    [Fact]
    public void The_build_runs_on_the_SDK_and_the_image_on_the_chiseled_ASP_NET_runtime_like_the_SDK_container()
    {
        var stages = FromLine().Matches(s_dockerfile).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(["mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION}", "mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION}-noble-chiseled"], stages);
        Assert.Equal("noble-chiseled", (string?)s_project.Descendants("ContainerFamily").Single());
    }

    /// <summary>The argument of the last instruction of this name in the Dockerfile.</summary>
    private static string Instruction(string name) =>
        s_dockerfile.Split('\n').Last(l => l.StartsWith(name + " ", StringComparison.Ordinal))[(name.Length + 1)..].Trim();

    [GeneratedRegex(@"(?m)^FROM (\S+)")]
    private static partial Regex FromLine();
}
