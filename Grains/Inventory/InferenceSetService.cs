namespace OrleansKaitoScaler.Grains.Inventory;

/// <summary>
/// A Workspace service of an InferenceSet: one scrape endpoint. In a cluster <paramref name="Host"/> is
/// <c>{workspace}.{namespace}.svc.cluster.local</c> and <paramref name="Port"/> is unset (the trigger's
/// <c>metricPort</c> applies); a standalone inventory file may give both.
/// </summary>
public sealed record InferenceSetService(string Name, string Host, int? Port);
