using System.Globalization;

namespace OrleansKaitoScaler.Silo.Provisioning;

/// <summary>
/// The composite form's <c>scalingModifiers.formula</c> under the only combine policy, AND: scale up (2.0) when the
/// gate is open and every metric is above its up-threshold, scale down (0.5) when every metric is below its
/// down-threshold, else hold (1.0).
/// </summary>
/// <remarks>
/// With <c>metricType: Value</c> and <c>target: "1"</c>, HPA wants <c>ceil(current × output)</c> replicas, so the
/// output is the ratio of desired to current. Only its side of 1 matters: the Pods policy of value 1 caps each step
/// at one replica, and the 0.1 tolerance keeps 0.5 and 2.0 outside the dead band.
/// </remarks>
internal static class ScalingFormula
{
    public const string ScaleUp = "2.0";
    public const string ScaleDown = "0.5";
    public const string Hold = "1.0";

    public static string Build(IReadOnlyList<CompositeMetric> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var up = metrics.Select(m => $"{m.Variable} > {PlainNumber(m.UpThreshold)}").Prepend($"{FormulaVariable.ReadinessGate} == 1");
        var down = metrics.Select(m => $"{m.Variable} < {PlainNumber(m.DownThreshold)}");
        return $"({string.Join(" && ", up)}) ? {ScaleUp} : (({string.Join(" && ", down)}) ? {ScaleDown} : {Hold})";
    }

    /// <summary>
    /// The shortest text that reads back as <paramref name="value"/>, never in exponent form (Go's
    /// <c>FormatFloat(v, 'f', -1, 64)</c>): <c>30.0</c> is <c>30</c>, <c>1e-7</c> is <c>0.0000001</c>.
    /// </summary>
    public static string PlainNumber(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOfAny(['E', 'e']);
        if (e < 0)
        {
            return text;
        }

        var exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = text[..e];
        var sign = mantissa.StartsWith('-') ? "-" : string.Empty;
        mantissa = mantissa.TrimStart('-');
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = mantissa.Replace(".", string.Empty, StringComparison.Ordinal);
        var newPoint = (point < 0 ? mantissa.Length : point) + exponent;
        return sign + (newPoint <= 0 ? "0." + new string('0', -newPoint) + digits
            : newPoint >= digits.Length ? digits + new string('0', newPoint - digits.Length)
            : digits[..newPoint] + "." + digits[newPoint..]);
    }
}
