using System.Text.Json.Nodes;

namespace OrleansKaitoScaler.KubernetesApiDouble.Selectors;

/// <summary>A label selector and a field selector together: what a list or watch request asks to see.</summary>
internal sealed record ObjectFilter(LabelSelector Labels, FieldSelector Fields)
{
    public static ObjectFilter Everything { get; } = new(LabelSelector.Everything, FieldSelector.Everything);

    public bool IsEverything => Labels.IsEverything && Fields.IsEverything;

    public bool Matches(JsonObject obj) => Labels.Matches(obj) && Fields.Matches(obj);
}
