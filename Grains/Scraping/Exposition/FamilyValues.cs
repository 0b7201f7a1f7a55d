using System.Diagnostics.CodeAnalysis;

namespace OrleansKaitoScaler.Grains.Scraping.Exposition;

/// <summary>
/// The requested families found in one body, by name: one slot per requested family, in the order of the selection's
/// names, which every round of a target shares. A window keeps one of these per endpoint and round, so it holds two
/// references and a small array instead of a hash table's buckets and entries.
/// </summary>
internal sealed class FamilyValues : IReadOnlyDictionary<string, FamilyValue>
{
    private readonly IReadOnlyList<string> _names;
    private readonly FamilyValue?[] _values;

    /// <param name="names">The selection's names, shared.</param>
    /// <param name="values">Aligned with <paramref name="names"/>; null where the body lacks the family. Taken, not copied.</param>
    public FamilyValues(IReadOnlyList<string> names, FamilyValue?[] values)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(values);
        if (names.Count != values.Length)
        {
            throw new ArgumentException($"{values.Length} values for {names.Count} names", nameof(values));
        }

        _names = names;
        _values = values;
        Count = values.Count(v => v is not null);
    }

    public int Count { get; }

    public IEnumerable<string> Keys => this.Select(p => p.Key);

    public IEnumerable<FamilyValue> Values => this.Select(p => p.Value);

    public FamilyValue this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"family '{key}' is not in this body");

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out FamilyValue value)
    {
        for (var i = 0; i < _values.Length; i++)
        {
            if (string.Equals(_names[i], key, StringComparison.Ordinal))
            {
                value = _values[i];
                return value is not null;
            }
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, FamilyValue>> GetEnumerator()
    {
        for (var i = 0; i < _values.Length; i++)
        {
            if (_values[i] is { } value)
            {
                yield return new(_names[i], value);
            }
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
