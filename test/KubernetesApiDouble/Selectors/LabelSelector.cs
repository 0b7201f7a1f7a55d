using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OrleansKaitoScaler.KubernetesApiDouble.Storage;

namespace OrleansKaitoScaler.KubernetesApiDouble.Selectors;

/// <summary>
/// A <c>labelSelector</c> query: comma-separated requirements that must all hold. Supports <c>k=v</c>, <c>k==v</c>,
/// <c>k!=v</c>, <c>k in (a,b)</c>, <c>k notin (a,b)</c>, <c>k</c>, <c>!k</c>, <c>k&gt;n</c> and <c>k&lt;n</c>.
/// As on the real server, <c>!=</c> and <c>notin</c> also match objects that lack the label.
/// </summary>
internal sealed partial class LabelSelector
{
    private readonly IReadOnlyList<Requirement> _requirements;

    private LabelSelector(IReadOnlyList<Requirement> requirements) => _requirements = requirements;

    public static LabelSelector Everything { get; } = new([]);

    public bool IsEverything => _requirements.Count == 0;

    public static Outcome<LabelSelector> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var requirements = new List<Requirement>();
        foreach (var term in SplitTopLevel(text))
        {
            if (ParseTerm(term.Trim()) is not { } requirement)
            {
                return ApiError.BadRequest($"unable to parse requirement: invalid label selector term \"{term.Trim()}\"");
            }

            requirements.Add(requirement);
        }

        return new LabelSelector(requirements);
    }

    public bool Matches(JsonObject obj)
    {
        var labels = ObjectMetadata.Labels(obj);
        return _requirements.All(requirement => requirement.Matches(labels));
    }

    private static Requirement? ParseTerm(string term)
    {
        if (SetTerm().Match(term) is { Success: true } set)
        {
            var values = set.Groups["values"].Value.Split(',').Select(v => v.Trim()).ToArray();
            var op = set.Groups["op"].Value == "in" ? Operator.In : Operator.NotIn;
            return Valid(new Requirement(set.Groups["key"].Value, op, values));
        }

        if (NotExistsTerm().Match(term) is { Success: true } missing)
        {
            return Valid(new Requirement(missing.Groups["key"].Value, Operator.DoesNotExist, []));
        }

        if (CompareTerm().Match(term) is { Success: true } compare)
        {
            var op = compare.Groups["op"].Value switch
            {
                "!=" => Operator.NotEquals,
                ">" => Operator.GreaterThan,
                "<" => Operator.LessThan,
                _ => Operator.Equals,
            };
            return Valid(new Requirement(compare.Groups["key"].Value, op, [compare.Groups["value"].Value]));
        }

        return ExistsTerm().IsMatch(term) ? Valid(new Requirement(term, Operator.Exists, [])) : null;
    }

    private static Requirement? Valid(Requirement requirement)
    {
        var keyOk = LabelKey().IsMatch(requirement.Key) && requirement.Key.Length <= 317;
        var valuesOk = requirement.Op is Operator.GreaterThan or Operator.LessThan
            ? long.TryParse(requirement.Values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
            : requirement.Values.All(v => v.Length <= 63 && LabelValue().IsMatch(v));
        return keyOk && valuesOk ? requirement : null;
    }

    /// <summary>Splits on commas that are not inside the parentheses of an <c>in</c>/<c>notin</c> set.</summary>
    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            depth += text[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        yield return text[start..];
    }

    [GeneratedRegex(@"^(?<key>[^\s!=<>(),]+)\s+(?<op>in|notin)\s*\((?<values>[^()]*)\)$")]
    private static partial Regex SetTerm();

    [GeneratedRegex(@"^!\s*(?<key>[^\s!=<>(),]+)$")]
    private static partial Regex NotExistsTerm();

    [GeneratedRegex(@"^(?<key>[^\s!=<>(),]+)\s*(?<op>==|!=|=|>|<)\s*(?<value>[^\s!=<>(),]*)$")]
    private static partial Regex CompareTerm();

    [GeneratedRegex(@"^[^\s!=<>(),]+$")]
    private static partial Regex ExistsTerm();

    [GeneratedRegex("^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex LabelKey();

    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();

    private enum Operator
    {
        Equals,
        NotEquals,
        In,
        NotIn,
        Exists,
        DoesNotExist,
        GreaterThan,
        LessThan,
    }

    private sealed record Requirement(string Key, Operator Op, IReadOnlyList<string> Values)
    {
        public bool Matches(IReadOnlyDictionary<string, string> labels)
        {
            var has = labels.TryGetValue(Key, out var value);
            return Op switch
            {
                Operator.Equals => has && value == Values[0],
                Operator.NotEquals => !has || value != Values[0],
                Operator.In => has && Values.Contains(value),
                Operator.NotIn => !has || !Values.Contains(value),
                Operator.Exists => has,
                Operator.DoesNotExist => !has,
                Operator.GreaterThan => has && Number(value) > Number(Values[0]),
                Operator.LessThan => has && Number(value) < Number(Values[0]),
                _ => false,
            };
        }

        private static long? Number(string? text) =>
            long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;
    }
}
