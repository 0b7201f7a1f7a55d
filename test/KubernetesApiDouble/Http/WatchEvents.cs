using System.Text;
using System.Text.Json.Nodes;
using OrleansKaitoScaler.KubernetesApiDouble.Resources;
using OrleansKaitoScaler.KubernetesApiDouble.Selectors;
using OrleansKaitoScaler.KubernetesApiDouble.Storage;

namespace OrleansKaitoScaler.KubernetesApiDouble.Http;

/// <summary>
/// Turns watch frames into the wire's newline-delimited <c>{"type":…,"object":…}</c> lines, applying the watch's
/// selectors the way the watch cache does: an object that starts matching arrives as ADDED and one that stops
/// matching as DELETED (its last matching state, at the new resourceVersion).
/// </summary>
internal static class WatchEvents
{
    public static byte[]? Render(WatchFrame frame, ResourceType type, ObjectFilter filter)
    {
        var line = frame.Type switch
        {
            WatchEventType.Bookmark => Line("BOOKMARK", Bookmark(type, frame)),
            WatchEventType.Error => Line("ERROR", frame.Error!.ToStatus()),
            _ => Change(frame.Change!, type, filter),
        };
        return line is null ? null : Encoding.UTF8.GetBytes(line.ToJsonString() + "\n");
    }

    private static JsonObject? Change(StoredEvent change, ResourceType type, ObjectFilter filter)
    {
        var current = type.AsServed(change.Object.Thaw());
        var matches = filter.Matches(current);
        switch (change.Type)
        {
            case WatchEventType.Added:
                return matches ? Line("ADDED", current) : null;
            case WatchEventType.Deleted:
                return matches ? Line("DELETED", current) : null;
        }

        var before = change.Previous is { } previous ? type.AsServed(previous.Thaw()) : null;
        var matched = before is not null && filter.Matches(before);
        if (matched && !matches)
        {
            before!["metadata"]!["resourceVersion"] = current["metadata"]!["resourceVersion"]!.DeepClone();
            return Line("DELETED", before);
        }

        return matches ? Line(matched ? "MODIFIED" : "ADDED", current) : null;
    }

    private static JsonObject Bookmark(ResourceType type, WatchFrame frame)
    {
        var metadata = new JsonObject { ["resourceVersion"] = frame.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (frame.InitialEventsEnd)
        {
            metadata["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        }

        return new JsonObject { ["kind"] = type.Kind, ["apiVersion"] = type.ApiVersion, ["metadata"] = metadata };
    }

    private static JsonObject Line(string type, JsonObject obj) => new() { ["type"] = type, ["object"] = obj };
}
