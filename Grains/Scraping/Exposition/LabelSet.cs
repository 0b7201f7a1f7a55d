using System.Text;

namespace OrleansKaitoScaler.Grains.Scraping.Exposition;

/// <summary>
/// The labels of one sample line as offsets into the line, kept in a list the parser reuses, so reading
/// labels allocates nothing per line. Values stay escaped until someone asks for one.
/// </summary>
internal sealed class LabelSet
{
    private readonly List<Label> _labels = new(8);

    public int Count => _labels.Count;

    public Label this[int index] => _labels[index];

    public void Clear() => _labels.Clear();

    public void Add(Label label) => _labels.Add(label);

    /// <summary>The index of the label named <paramref name="name"/>, or -1.</summary>
    public int IndexOf(ReadOnlySpan<byte> line, ReadOnlySpan<byte> name)
    {
        for (var i = 0; i < _labels.Count; i++)
        {
            if (_labels[i].Name(line).SequenceEqual(name))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Reads the label named <paramref name="name"/> as a Go float (<c>le</c>, <c>quantile</c>); false when absent or not a float.</summary>
    public bool TryGetFloat(ReadOnlySpan<byte> line, ReadOnlySpan<byte> name, out double value)
    {
        value = 0;
        var index = IndexOf(line, name);
        if (index < 0)
        {
            return false;
        }

        var label = _labels[index];
        return label.Escaped
            ? Tokens.TryParseGoFloat(Encoding.UTF8.GetBytes(label.Value(line)), out value)
            : Tokens.TryParseGoFloat(label.RawValue(line), out value);
    }

    /// <summary>True when two labels share a name.</summary>
    public bool HasDuplicate(ReadOnlySpan<byte> line)
    {
        for (var i = 1; i < _labels.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (_labels[i].Name(line).SequenceEqual(_labels[j].Name(line)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>A canonical text of the labels, except those named in <paramref name="except"/>, sorted by name: a series identity.</summary>
    public string Key(ReadOnlySpan<byte> line, ReadOnlySpan<byte> except = default)
    {
        var parts = new List<string>(_labels.Count);
        foreach (var label in _labels)
        {
            if (!except.IsEmpty && label.Name(line).SequenceEqual(except))
            {
                continue;
            }

            parts.Add(Encoding.UTF8.GetString(label.Name(line)) + "=" + Encoding.UTF8.GetString(label.RawValue(line)));
        }

        parts.Sort(StringComparer.Ordinal);
        return string.Join(',', parts);
    }

    /// <summary>One label: name and (escaped) value positions within the line.</summary>
    internal readonly record struct Label(int NameStart, int NameLength, int ValueStart, int ValueLength, bool Escaped)
    {
        public ReadOnlySpan<byte> Name(ReadOnlySpan<byte> line) => line.Slice(NameStart, NameLength);

        public ReadOnlySpan<byte> RawValue(ReadOnlySpan<byte> line) => line.Slice(ValueStart, ValueLength);

        /// <summary>The value with escapes resolved (<c>\\</c>, <c>\"</c>, <c>\n</c>; any other <c>\x</c> is kept as is).</summary>
        public string Value(ReadOnlySpan<byte> line)
        {
            var raw = RawValue(line);
            if (!Escaped)
            {
                return Encoding.UTF8.GetString(raw);
            }

            var bytes = new List<byte>(raw.Length);
            for (var i = 0; i < raw.Length; i++)
            {
                if (raw[i] == '\\' && i + 1 < raw.Length)
                {
                    i++;
                    bytes.Add(raw[i] switch { (byte)'n' => (byte)'\n', (byte)'\\' => (byte)'\\', (byte)'"' => (byte)'"', _ => raw[i] });
                    if (raw[i] is not ((byte)'n' or (byte)'\\' or (byte)'"'))
                    {
                        bytes.Insert(bytes.Count - 1, (byte)'\\');
                    }
                }
                else
                {
                    bytes.Add(raw[i]);
                }
            }

            return Encoding.UTF8.GetString(bytes.ToArray());
        }
    }
}
