namespace OrleansKaitoScaler.Silo.State;

/// <summary>Filtering, sorting and paging of the state page and its JSON twin (<c>?namespace=&amp;state=&amp;sort=&amp;page=&amp;pageSize=</c>).</summary>
internal sealed record StateQuery(string? Namespace, string? State, string Sort, int Page, int PageSize)
{
    public const int MaxPageSize = 500;

    /// <summary>The states one can filter on.</summary>
    public static IReadOnlyList<string> States { get; } = ["ready", "not-ready", "errors"];

    public static IReadOnlyList<string> Sorts { get; } = ["name", "namespace", "desired", "errors"];

    public static StateQuery From(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var page = int.TryParse(query["page"], out var p) && p > 0 ? p : 1;
        var size = int.TryParse(query["pageSize"], out var s) && s > 0 ? Math.Min(s, MaxPageSize) : 100;
        var sort = Sorts.Contains(query["sort"].ToString()) ? query["sort"].ToString() : "name";
        var state = States.Contains(query["state"].ToString()) ? query["state"].ToString() : null;
        var ns = string.IsNullOrWhiteSpace(query["namespace"]) ? null : query["namespace"].ToString().Trim();
        return new StateQuery(ns, state, sort, page, size);
    }

    public StatePage<T> Apply<T>(IEnumerable<T> items, Func<T, Grains.State.InferenceSetState> state)
    {
        var filtered = items.Where(i =>
        {
            var s = state(i);
            return (Namespace is null || s.Namespace == Namespace)
                && (State is null
                    || (State == "ready" && s.Ready)
                    || (State == "not-ready" && !s.Ready)
                    || (State == "errors" && s.HasErrors));
        });
        var sorted = Sort switch
        {
            "namespace" => filtered.OrderBy(i => state(i).Namespace, StringComparer.Ordinal).ThenBy(i => state(i).Name, StringComparer.Ordinal),
            "desired" => filtered.OrderByDescending(i => state(i).Triggers.Max(t => t.DesiredReplicas) ?? -1).ThenBy(i => state(i).Name, StringComparer.Ordinal),
            "errors" => filtered.OrderByDescending(i => state(i).Endpoints.Count(e => !e.Ok)).ThenBy(i => state(i).Name, StringComparer.Ordinal),
            _ => filtered.OrderBy(i => state(i).Name, StringComparer.Ordinal).ThenBy(i => state(i).Namespace, StringComparer.Ordinal),
        };
        var all = sorted.ToList();
        return new StatePage<T>(all.Count, Page, PageSize, all.Skip((Page - 1) * PageSize).Take(PageSize).ToList());
    }
}

/// <summary>One page of results and how many there are in all.</summary>
internal sealed record StatePage<T>(int Total, int Page, int PageSize, IReadOnlyList<T> Items);
