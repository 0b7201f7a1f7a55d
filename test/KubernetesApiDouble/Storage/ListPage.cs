using System.Text.Json.Nodes;

namespace OrleansKaitoScaler.KubernetesApiDouble.Storage;

/// <summary>One page of a list: the items, the list's resourceVersion and, when more remain, the continue token.</summary>
internal sealed record ListPage(IReadOnlyList<JsonObject> Items, long ResourceVersion, string? Continue, long? RemainingItemCount);
