namespace OrleansKaitoScaler.Grains.Scraping.Exposition;

/// <summary>
/// The OpenMetrics families of one body in the order they appear: which one is being read, and which family
/// owns each sample name (a counter <c>x</c> owns <c>x_total</c> and <c>x_created</c>, so no other family may use
/// them). A family's lines must be contiguous: once left, a family may not appear again.
/// </summary>
internal sealed class OpenMetricsFamilies
{
    private readonly Dictionary<string, OpenMetricsFamily> _families = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OpenMetricsFamily> _claims = new(StringComparer.Ordinal);

    /// <summary>The family whose lines are being read, or null between families.</summary>
    public OpenMetricsFamily? Current { get; private set; }

    /// <summary>Makes <paramref name="name"/> the current family, starting it if new; a name seen before, or owned by another family, is an error.</summary>
    public string? Start(string name)
    {
        if (Current?.Name == name)
        {
            return null;
        }

        if (Leave() is { } unfinished)
        {
            return unfinished;
        }

        if (_families.ContainsKey(name) || _claims.ContainsKey(name))
        {
            return $"family '{name}' is not contiguous or clashes with another family's samples";
        }

        Current = new OpenMetricsFamily(name);
        _families.Add(name, Current);
        return Claim(Current);
    }

    /// <summary>Ends the family being read, checking its last MetricPoint.</summary>
    public string? Leave()
    {
        var error = Current?.FinishGroup();
        Current = null;
        return error;
    }

    /// <summary>Gives <paramref name="family"/> a type, and with it the sample names it owns.</summary>
    public string? SetType(OpenMetricsFamily family, string type)
    {
        foreach (var sample in family.SampleNames())
        {
            _claims.Remove(sample);
        }

        family.SetType(type);
        return Claim(family);
    }

    private string? Claim(OpenMetricsFamily family)
    {
        foreach (var sample in family.SampleNames())
        {
            if (_claims.TryGetValue(sample, out var owner) && owner != family)
            {
                return $"samples named '{sample}' would belong to both '{owner.Name}' and '{family.Name}'";
            }

            _claims[sample] = family;
        }

        return null;
    }
}
