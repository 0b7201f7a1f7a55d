using Orleans.Dashboard;
using OrleansKaitoScaler.Silo.State;

namespace OrleansKaitoScaler.Silo.Admin;

/// <summary>
/// The operator's HTTP surface on the metrics port (10451): <c>/inferencesets</c> (HTML), its JSON twin under
/// <c>/api/inferencesets</c>, the Orleans dashboard under <c>/dashboard</c>, and Prometheus <c>/metrics</c>.
/// </summary>
internal static class AdminEndpoints
{
    public static WebApplication MapAdmin(this WebApplication app)
    {
        app.MapGet("/api/inferencesets", async (HttpRequest request, InferenceSetStateReader reader, TimeProvider time) =>
        {
            var query = StateQuery.From(request.Query);
            var now = time.GetUtcNow();
            return Results.Ok(query.Apply((await reader.ListAllAsync()).Select(s => InferenceSetView.Of(s, now)), v => v.State));
        });
        app.MapGet("/api/inferencesets/{ns}/{name}", async (string ns, string name, InferenceSetStateReader reader, TimeProvider time) =>
        {
            var state = (await reader.ListAllAsync()).FirstOrDefault(s => s.Namespace == ns && s.Name == name);
            return state is null
                ? Results.Problem($"InferenceSet {ns}/{name} has no state: it does not exist or KEDA has not asked about it", statusCode: StatusCodes.Status404NotFound)
                : Results.Ok(InferenceSetView.Of(state, time.GetUtcNow()));
        });
        app.MapGet("/inferencesets", async (HttpRequest request, InferenceSetStateReader reader, IGrainFactory grains, TimeProvider time) =>
        {
            var query = StateQuery.From(request.Query);
            var now = time.GetUtcNow();
            var page = query.Apply((await reader.ListAllAsync()).Select(s => InferenceSetView.Of(s, now)), v => v.State);
            var silos = (await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count;
            return Results.Content(StatePageHtml.Render(page, query, silos), "text/html; charset=utf-8");
        });
        app.MapOrleansDashboard("/dashboard");
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
