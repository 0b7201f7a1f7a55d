using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using OrleansKaitoScaler.Grains.State;
using OrleansKaitoScaler.Silo.State;

namespace OrleansKaitoScaler.Silo.Admin;

/// <summary>The <c>/inferencesets</c> page: plain server-rendered HTML, one table, no script.</summary>
internal static class StatePageHtml
{
    private const string Style = """
        body{font:14px system-ui,sans-serif;margin:1.5rem;color:#1d1d1f}
        table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
        th{background:#f4f4f6}.ok{color:#17803d}.bad{color:#b42318}.muted{color:#6b7280}form{margin:.5rem 0 1rem}
        ul{margin:0;padding-left:1rem}svg{vertical-align:middle}
        """;

    public static string Render(StatePage<InferenceSetView> page, StateQuery query, int silos)
    {
        var html = new StringBuilder(16 * 1024);
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>InferenceSets — Orleans KAITO Scaler</title><style>")
            .Append(Style).Append("</style></head><body>");
        html.Append(CultureInfo.InvariantCulture, $"<h1>InferenceSets</h1><p class=\"muted\" id=\"summary\">{page.Total} InferenceSet(s) on {silos} silo(s). <a href=\"/dashboard\">Orleans dashboard</a> · <a href=\"/api/inferencesets\">JSON</a></p>");
        Filters(html, query);
        html.Append("<table id=\"inferencesets\"><thead><tr><th>InferenceSet</th><th>Silo</th><th>Ready</th><th>Endpoints</th><th>Triggers</th><th>Window</th></tr></thead><tbody>");
        foreach (var view in page.Items)
        {
            Row(html, view);
        }

        html.Append("</tbody></table>");
        Pager(html, page, query);
        html.Append("</body></html>");
        return html.ToString();
    }

    private static void Row(StringBuilder html, InferenceSetView view)
    {
        var s = view.State;
        html.Append(CultureInfo.InvariantCulture, $"<tr data-namespace=\"{E(s.Namespace)}\" data-name=\"{E(s.Name)}\"><td><a href=\"/api/inferencesets/{U(s.Namespace)}/{U(s.Name)}\">{E(s.Namespace)}/{E(s.Name)}</a></td>");
        html.Append(CultureInfo.InvariantCulture, $"<td class=\"muted\">{E(s.Silo)}</td>");
        html.Append(CultureInfo.InvariantCulture, $"<td class=\"{(s.Ready ? "ok" : "bad")}\">{(s.Ready ? "ready" : "not ready")} <span class=\"muted\">{s.ReadyReplicas?.ToString(CultureInfo.InvariantCulture) ?? "?"}/{s.Replicas?.ToString(CultureInfo.InvariantCulture) ?? "?"}</span></td><td><ul>");
        foreach (var e in s.Endpoints)
        {
            html.Append(CultureInfo.InvariantCulture, $"<li class=\"endpoint {(e.Ok ? "ok" : "bad")}\">{E(e.Name)} {(e.Ok ? $"ok {e.LatencyMs:0.#} ms" : E(e.Error ?? "failed"))}</li>");
        }

        html.Append("</ul></td><td><ul>");
        foreach (var t in s.Triggers)
        {
            var value = t.Value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "—";
            var desired = t.DesiredReplicas is { } d ? $" → <b>{d}</b> replicas" : "";
            html.Append(CultureInfo.InvariantCulture, $"<li class=\"trigger\" data-status=\"{E(t.Status)}\">{E(t.MetricName)} <span class=\"muted\">{E(t.Aggregation)}</span> = {value} / {t.Threshold.ToString("0.###", CultureInfo.InvariantCulture)}{desired} <span class=\"{(t.Status == "ok" ? "ok" : "bad")}\">{E(t.Status)}</span> {Sparkline(t.Recent)}</li>");
        }

        var age = view.NewestSampleAgeSeconds is { } a ? a.ToString("0.#", CultureInfo.InvariantCulture) + " s ago" : "no sample";
        html.Append(CultureInfo.InvariantCulture, $"</ul></td><td>{s.WindowRounds} round(s) over {s.WindowSpanSeconds:0.#} s<br><span class=\"muted\">newest {age}</span></td></tr>");
    }

    /// <summary>The recent values as a 100×20 inline SVG polyline.</summary>
    private static string Sparkline(IReadOnlyList<double> values)
    {
        if (values.Count < 2)
        {
            return "";
        }

        double min = values.Min(), max = values.Max(), span = max - min == 0 ? 1 : max - min;
        var points = string.Join(' ', values.Select((v, i) => string.Create(CultureInfo.InvariantCulture, $"{i * 100.0 / (values.Count - 1):0.#},{18 - ((v - min) / span * 16):0.#}")));
        return $"<svg class=\"sparkline\" width=\"100\" height=\"20\" viewBox=\"0 0 100 20\"><polyline fill=\"none\" stroke=\"#2563eb\" stroke-width=\"1.5\" points=\"{points}\"/></svg>";
    }

    private static void Filters(StringBuilder html, StateQuery query)
    {
        html.Append(CultureInfo.InvariantCulture, $"<form method=\"get\"><label>Namespace <input name=\"namespace\" value=\"{E(query.Namespace ?? "")}\"></label> <label>State <select name=\"state\"><option value=\"\">any</option>");
        foreach (var state in StateQuery.States)
        {
            html.Append(CultureInfo.InvariantCulture, $"<option{(state == query.State ? " selected" : "")}>{state}</option>");
        }

        html.Append("</select></label> <label>Sort <select name=\"sort\">");
        foreach (var sort in StateQuery.Sorts)
        {
            html.Append(CultureInfo.InvariantCulture, $"<option{(sort == query.Sort ? " selected" : "")}>{sort}</option>");
        }

        html.Append("</select></label> <button>Apply</button></form>");
    }

    private static void Pager(StringBuilder html, StatePage<InferenceSetView> page, StateQuery query)
    {
        var pages = Math.Max(1, (page.Total + page.PageSize - 1) / page.PageSize);
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\" id=\"pager\">Page {page.Page} of {pages}");
        if (page.Page < pages)
        {
            html.Append(CultureInfo.InvariantCulture, $" · <a rel=\"next\" href=\"?namespace={U(query.Namespace ?? "")}&amp;state={U(query.State ?? "")}&amp;sort={U(query.Sort)}&amp;pageSize={page.PageSize}&amp;page={page.Page + 1}\">next</a>");
        }

        html.Append("</p>");
    }

    private static string E(string text) => HtmlEncoder.Default.Encode(text);

    private static string U(string text) => UrlEncoder.Default.Encode(text);
}
