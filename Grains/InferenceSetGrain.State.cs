using OrleansKaitoScaler.Abstractions.Metadata;
using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Grains.Inventory;
using OrleansKaitoScaler.Grains.State;
using OrleansKaitoScaler.Grains.Windows;

namespace OrleansKaitoScaler.Grains;

/// <summary>Posting the grain's state to its silo's board after every scrape round, and logging trigger state changes.</summary>
internal sealed partial class InferenceSetGrain
{
    private void Publish()
    {
        if (_deactivating || !inventory.TryGet(_key, out var snapshot))
        {
            return;
        }

        var triggers = new List<TriggerState>(_triggers.Count);
        foreach (var (query, history) in _triggers)
        {
            var answer = Clamp(query, _targets.Answer(query, snapshot));
            var status = TriggerStatus.Of(answer);
            if (history.Status != status)
            {
                Log.TriggerStateChanged(logger, _key, query.MetricName, AggregationNames.NameOf(query.Aggregation), status, answer.Message ?? "");
                history.Status = status;
            }

            history.Record(answer);
            var ok = answer.Outcome == ScalerOutcome.Ok;
            triggers.Add(new TriggerState(
                query.MetricName,
                AggregationNames.NameOf(query.Aggregation),
                query.Threshold,
                status,
                ok ? answer.Value : null,
                ok ? (int)Math.Ceiling(answer.Value / query.Threshold) : null,
                answer.Message,
                history.Recent));
        }

        var newest = _targets.All.Select(t => t.Window.Newest).OfType<ScrapeRound>().MaxBy(r => r.At);
        states.Publish(_key, new InferenceSetState(
            _key.Namespace,
            _key.Name,
            GrainContext.Address.SiloAddress?.ToString() ?? RuntimeIdentity,
            snapshot.Ready,
            snapshot.Replicas,
            snapshot.ReadyReplicas,
            Endpoints(newest, snapshot),
            triggers,
            _targets.All.Sum(t => t.Window.Count),
            _targets.All.Select(t => t.Window.Span.TotalSeconds).DefaultIfEmpty(0).Max(),
            newest?.At,
            _targets.All.Sum(t => t.Window.Bytes),
            time.GetUtcNow()));
    }

    private static List<EndpointState> Endpoints(ScrapeRound? newest, InferenceSetSnapshot snapshot)
    {
        if (newest is null)
        {
            return snapshot.Services.Select(s => new EndpointState(s.Name, $"{s.Host}:{s.Port}", false, 0, 0, "not scraped yet")).ToList();
        }

        return newest.Endpoints.Select(e => new EndpointState(
            e.Endpoint,
            snapshot.Services.FirstOrDefault(s => s.Name == e.Endpoint) is { } service ? $"{service.Host}{(service.Port is { } port ? ":" + port : "")}" : "",
            e.Succeeded,
            e.Latency.TotalMilliseconds,
            e.Bytes,
            e.Error)).ToList();
    }

}
