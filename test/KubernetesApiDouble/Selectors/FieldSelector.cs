using System.Text.Json.Nodes;
using OrleansKaitoScaler.KubernetesApiDouble.Resources;

namespace OrleansKaitoScaler.KubernetesApiDouble.Selectors;

/// <summary>
/// A <c>fieldSelector</c> query: comma-separated <c>field=value</c>, <c>field==value</c> or <c>field!=value</c>.
/// Only the fields the resource declares selectable are accepted (<c>metadata.name</c> and <c>metadata.namespace</c>
/// for custom resources, plus any <c>selectableFields</c>); others are a 400, as on the real server.
/// </summary>
internal sealed class FieldSelector
{
    private readonly IReadOnlyList<(string Field, bool Equal, string Value)> _requirements;

    private FieldSelector(IReadOnlyList<(string Field, bool Equal, string Value)> requirements) => _requirements = requirements;

    public static FieldSelector Everything { get; } = new([]);

    public bool IsEverything => _requirements.Count == 0;

    public static Outcome<FieldSelector> Parse(string? text, ResourceType type)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var requirements = new List<(string, bool, string)>();
        foreach (var raw in text.Split(','))
        {
            var term = raw.Trim();
            var (field, equal, value) = Split(term);
            if (field.Length == 0)
            {
                return ApiError.BadRequest($"invalid selector: '{text}'; can't understand '{term}'");
            }

            if (!type.SelectableFields.Contains(field))
            {
                return ApiError.BadRequest($"field label not supported: {field}");
            }

            requirements.Add((field, equal, value));
        }

        return new FieldSelector(requirements);
    }

    public bool Matches(JsonObject obj) =>
        _requirements.All(r => (FieldPath.ReadText(obj, r.Field) == r.Value) == r.Equal);

    private static (string Field, bool Equal, string Value) Split(string term)
    {
        foreach (var (op, equal) in new[] { ("!=", false), ("==", true), ("=", true) })
        {
            var at = term.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                return (term[..at].Trim(), equal, term[(at + op.Length)..].Trim());
            }
        }

        return ("", true, "");
    }
}
