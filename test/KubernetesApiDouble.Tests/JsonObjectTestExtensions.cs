using System.Text.Json.Nodes;

namespace OrleansKaitoScaler.KubernetesApiDouble.Tests;

internal static class JsonObjectTestExtensions
{
    /// <summary>Changes an object inline and returns it: <c>store.Update(obj.Also(o =&gt; o["spec"]!["replicas"] = 2))</c>.</summary>
    public static JsonObject Also(this JsonObject obj, Action<JsonObject> change)
    {
        change(obj);
        return obj;
    }
}
