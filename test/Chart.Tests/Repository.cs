namespace OrleansKaitoScaler.Chart.Tests;

/// <summary>Paths in this checkout: the chart, its <c>ci/</c> values files, <c>k8s/</c> and the scripts.</summary>
internal static class Repository
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "OrleansKaitoScaler.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"OrleansKaitoScaler.sln not found above {AppContext.BaseDirectory}");
    });

    public static string Root => s_root.Value;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public static string ChartDirectory => Path("charts", "orleans-kaito-scaler");

    public static string ChartFile(params string[] parts) => System.IO.Path.Combine([ChartDirectory, .. parts]);

    /// <summary>The file names in the chart's <c>ci/</c> folder, one per documented option group.</summary>
    public static IReadOnlyList<string> CiValuesFiles =>
        [.. Directory.GetFiles(ChartFile("ci"), "*-values.yaml").Select(f => System.IO.Path.GetFileName(f)).Order(StringComparer.Ordinal)];
}
