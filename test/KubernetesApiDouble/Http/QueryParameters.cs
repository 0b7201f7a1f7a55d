using System.Globalization;
using Microsoft.AspNetCore.Http;
using OrleansKaitoScaler.KubernetesApiDouble.Resources;
using OrleansKaitoScaler.KubernetesApiDouble.Selectors;

namespace OrleansKaitoScaler.KubernetesApiDouble.Http;

/// <summary>The list and watch query parameters: selectors, paging and the watch timeout.</summary>
internal static class QueryParameters
{
    public static Outcome<ObjectFilter> Filter(IQueryCollection query, ResourceType type)
    {
        var labels = LabelSelector.Parse(query["labelSelector"]);
        if (!labels.Succeeded)
        {
            return labels.Error;
        }

        var fields = FieldSelector.Parse(query["fieldSelector"], type);
        return fields.Succeeded ? new ObjectFilter(labels.Value, fields.Value) : fields.Error;
    }

    public static int? Limit(IQueryCollection query) =>
        int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit > 0 ? limit : null;

    public static TimeSpan? WatchTimeout(IQueryCollection query) =>
        int.TryParse(query["timeoutSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : null;
}
