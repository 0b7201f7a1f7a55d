namespace OrleansKaitoScaler.Chart.Tests;

/// <summary><c>k8s/</c> is the chart rendered with its defaults; a chart change without <c>k8s/render.sh</c> fails here.</summary>
public sealed class ManifestDriftTests
{
    [Fact]
    public void The_plain_manifests_in_k8s_are_what_render_sh_makes_from_the_chart_now()
    {
        var output = Directory.CreateTempSubdirectory("oks-k8s-");
        try
        {
            var result = Helm.Run("bash", [Repository.Path("k8s", "render.sh"), output.FullName]);
            Assert.True(result.ExitCode == 0, result.Output);

            var expected = Manifests(output.FullName);
            var committed = Manifests(Repository.Path("k8s"));
            Assert.Equal(expected.Keys, committed.Keys);
            Assert.All(expected, file => Assert.True(file.Value == committed[file.Key],
                $"k8s/{file.Key} differs from the chart; run k8s/render.sh"));
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_plain_manifests_are_the_default_install_in_the_keda_namespace()
    {
        var chart = new RenderedChart(string.Join("\n---\n", Manifests(Repository.Path("k8s")).Values));

        Assert.Equal("keda-kaito-scaler-svc", RenderedChart.Name(chart.Single("Service")));
        Assert.Equal(Helm.Namespace, RenderedChart.Namespace(chart.Deployment));
        Assert.Single(chart.OfKind("ClusterTriggerAuthentication"));
    }

    private static SortedDictionary<string, string> Manifests(string directory) =>
        new(Directory.GetFiles(directory, "*.yaml").ToDictionary(f => Path.GetFileName(f), File.ReadAllText), StringComparer.Ordinal);
}
