using System.Reflection;
using OrleansKaitoScaler.Silo.Hosting;

namespace OrleansKaitoScaler.Chart.Tests;

/// <summary>The scaler's options classes, found by their <c>SectionName</c> constant, and the keys they bind.</summary>
internal static class ScalerOptions
{
    /// <summary>Every options class by its configuration section.</summary>
    public static Dictionary<string, Type> Sections() =>
        new[] { typeof(ListenOptions).Assembly, typeof(Grains.Scraping.ScrapeOptions).Assembly }
            .SelectMany(a => a.GetTypes())
            .Select(t => (Type: t, Field: t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)))
            .Where(x => x.Field is { IsLiteral: true })
            .ToDictionary(x => (string)x.Field!.GetRawConstantValue()!, x => x.Type, StringComparer.Ordinal);

    /// <summary>"Section:Property" for every property configuration can set (not delegates or computed values).</summary>
    public static IEnumerable<string> Keys() =>
        from section in Sections()
        from property in section.Value.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        where property.CanWrite && Bindable(property.PropertyType)
        select $"{section.Key}:{property.Name}";

    private static bool Bindable(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(TimeSpan) || t == typeof(Uri);
    }
}
