using System.Globalization;
using Microsoft.AspNetCore.Http;
using OrleansKaitoScaler.KubernetesApiDouble.Diagnostics;
using OrleansKaitoScaler.KubernetesApiDouble.Faults;
using OrleansKaitoScaler.KubernetesApiDouble.Resources;
using OrleansKaitoScaler.KubernetesApiDouble.Storage;

namespace OrleansKaitoScaler.KubernetesApiDouble.Http;

/// <summary>
/// The request pipeline: parse the URL, apply injected faults, answer discovery or dispatch to the resource's verbs,
/// record the answer. Every answer is JSON, whatever the request's Accept header offers (protobuf, Table).
/// </summary>
internal sealed class ApiServer(ResourceCatalog catalog, ObjectStore store, RequestLog log, FaultInjector faults, DiscoveryDocuments discovery, TimeProvider time)
{
    private readonly ResourceEndpoint _resources = new(store);

    public async Task HandleAsync(HttpContext context)
    {
        var request = ApiRequestParser.Parse(context.Request);
        var cancellationToken = context.RequestAborted;
        if (faults.LatencyFor(request) is var delay && delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, time, cancellationToken);
        }

        if (faults.TakeFailure(request) is { } injected)
        {
            await RespondAsync(context, request, ApiResponse.From(injected));
            return;
        }

        if (!request.IsResourceRequest)
        {
            await RespondAsync(context, request, discovery.Answer(request));
            return;
        }

        if (catalog.Find(request.Group!, request.Version!, request.Resource!) is not { } type)
        {
            await RespondAsync(context, request, ApiResponse.From(ApiError.NoSuchResource()));
            return;
        }

        if (request.Verb == "watch")
        {
            await WatchAsync(context, request, type);
            return;
        }

        await RespondAsync(context, request, await _resources.HandleAsync(request, type, context.Request, cancellationToken));
    }

    private async Task WatchAsync(HttpContext context, ApiRequest request, ResourceType type)
    {
        var query = context.Request.Query;
        if (ResourceEndpoint.Misplaced(request, type) is { } misplaced)
        {
            await RespondAsync(context, request, ApiResponse.From(misplaced));
            return;
        }

        var filter = QueryParameters.Filter(query, type);
        if (!filter.Succeeded)
        {
            await RespondAsync(context, request, ApiResponse.From(filter.Error));
            return;
        }

        var watch = store.Watch(
            type,
            request.Namespace,
            query["resourceVersion"],
            sendInitialEvents: ApiRequestParser.IsTrue(query["sendInitialEvents"]),
            bookmarks: ApiRequestParser.IsTrue(query["allowWatchBookmarks"]));
        if (!watch.Succeeded)
        {
            await RespondAsync(context, request, ApiResponse.From(watch.Error));
            return;
        }

        log.Add(new RequestRecord(request, StatusCodes.Status200OK, time.GetUtcNow()));
        await WatchStream.RunAsync(context, store, watch.Value, type, filter.Value, QueryParameters.WatchTimeout(query), time);
    }

    private async Task RespondAsync(HttpContext context, ApiRequest request, ApiResponse answer)
    {
        log.Add(new RequestRecord(request, answer.StatusCode, time.GetUtcNow()));
        var response = context.Response;
        response.StatusCode = answer.StatusCode;
        response.ContentType = "application/json";
        if (answer.RetryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        await response.WriteAsync(answer.Body.ToJsonString(), context.RequestAborted);
    }
}
