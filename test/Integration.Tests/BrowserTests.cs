using Grpc.Core;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Integration.Tests;

/// <summary>What an operator sees: headless Chromium loads the state page and the Orleans dashboard from a running silo.</summary>
public sealed class BrowserTests
{
    [Fact]
    public async Task The_state_page_and_the_dashboard_render_in_a_browser()
    {
        await using var replica = await VllmEndpoint.StartAsync();
        replica.Metrics.Waiting = 12;
        await using var host = await ScalerHost.StartAsync(Inventories.Of("phi-4", ready: true, [replica], 1, 1));
        var metadata = new Dictionary<string, string>
        {
            ["inferenceSetName"] = "phi-4",
            ["inferenceSetNamespace"] = "default",
            ["metricName"] = "vllm:num_requests_waiting",
            ["threshold"] = "5",
        };
        await Eventually.Get(() => host.TryGetMetricAsync(metadata), r => r is { Status: StatusCode.OK, Value: 12 }, what: "value");
        await Eventually.Get(
            () => host.Http.GetStringAsync(new Uri("/inferencesets", UriKind.Relative)),
            html => html.Contains("data-status=\"ok\"", StringComparison.Ordinal),
            what: "state posted");
        var artifacts = HeadlessChromium.ArtifactsFolder();

        var state = await HeadlessChromium.DumpDomAsync(new Uri(host.Admin, "/inferencesets"));
        var dashboard = await HeadlessChromium.DumpDomAsync(new Uri(host.Admin, "/dashboard"));
        await HeadlessChromium.ScreenshotAsync(new Uri(host.Admin, "/inferencesets"), Path.Combine(artifacts, "inferencesets.png"));
        await HeadlessChromium.ScreenshotAsync(new Uri(host.Admin, "/dashboard"), Path.Combine(artifacts, "dashboard.png"));

        Assert.Contains("data-name=\"phi-4\"", state, StringComparison.Ordinal);
        Assert.Contains("<b>3</b> replicas", state, StringComparison.Ordinal);
        Assert.Contains("class=\"sparkline\"", state, StringComparison.Ordinal);
        // Rendered by the dashboard's scripts, not present in the served HTML.
        Assert.Contains("Active Silos", dashboard, StringComparison.Ordinal);
        Assert.Contains("Total Activations", dashboard, StringComparison.Ordinal);
    }
}
