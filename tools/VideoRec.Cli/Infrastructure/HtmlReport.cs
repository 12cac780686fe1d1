using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace VideoRec.Cli.Infrastructure;

/// <summary>
/// Renders an experiment report (the JSON of <c>vrec report</c>) as one self-contained HTML file: a table of every arm's
/// metrics with 95% intervals and the relative difference against the control, and inline SVG charts of CTR and watch
/// time with their intervals as error bars (no script, no external resource).
/// </summary>
public static class HtmlReport
{
    private static readonly string[] Colours = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7"];

    public static string Render(JsonObject report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var arms = report["arms"]!.AsObject().Select(p => (Name: p.Key, Arm: p.Value!.AsObject())).ToArray();
        var control = (string?)report["control"] ?? "";
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>VideoRec experiment report</title>\n<style>")
            .Append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}")
            .Append("th,td{border:1px solid #ccc;padding:.3em .6em;text-align:right}th:first-child,td:first-child{text-align:left}")
            .Append(".up{color:#2a7d2a}.down{color:#b22}.muted{color:#777}figure{display:inline-block;margin:1em 2em 1em 0}")
            .Append("</style></head><body>\n");
        html.Append("<h1>Experiment report</h1>\n<p class=\"muted\">").Append(Encode((string?)report["source"] ?? "")).Append(". Control arm: <b>")
            .Append(Encode(control)).Append("</b>. Intervals are 95%: Wilson for CTR, normal over users for watch time per user, ")
            .Append("log-method risk ratio (Katz et al. 1978) for relative CTR, delta method for relative watch time.</p>\n");
        html.Append("<table><thead><tr><th>arm</th><th>users</th><th>lists</th><th>impressions</th><th>CTR [95% CI]</th><th>Δ CTR vs control [95% CI]</th>")
            .Append("<th>watch s/user [95% CI]</th><th>Δ watch vs control [95% CI]</th><th>completion rate</th><th>mean watch s/click</th>")
            .Append("<th>likes/1k</th><th>dislikes/1k</th><th>coverage</th><th>intra-list diversity</th></tr></thead><tbody>\n");
        foreach (var (name, arm) in arms)
        {
            html.Append("<tr><td>").Append(Encode(name)).Append("</td>")
                .Append(Cell(Integer(arm["users"]))).Append(Cell(Integer(arm["requests"]))).Append(Cell(Integer(arm["impressions"])))
                .Append(Cell($"{Percent(arm["ctr"])} [{Percent(arm["ctr_ci"]?[0])}, {Percent(arm["ctr_ci"]?[1])}]"))
                .Append(Relative(arm["ctr_relative"], arm["ctr_relative_ci"], name == control))
                .Append(Cell(arm["watch_seconds_per_user"] is null ? "—"
                    : $"{Number(arm["watch_seconds_per_user"], "N0")} [{Number(arm["watch_seconds_per_user_ci"]?[0], "N0")}, {Number(arm["watch_seconds_per_user_ci"]?[1], "N0")}]"))
                .Append(Relative(arm["watch_relative"], arm["watch_relative_ci"], name == control))
                .Append(Cell(Percent(arm["completion_rate"]))).Append(Cell(Number(arm["mean_watch_seconds"], "N0")))
                .Append(Cell(Number(arm["likes_per_thousand"], "F1"))).Append(Cell(Number(arm["dislikes_per_thousand"], "F1")))
                .Append(Cell(arm["coverage"] is null ? $"{Integer(arm["distinct_videos"])} videos" : Percent(arm["coverage"])))
                .Append(Cell(Number(arm["intra_list_diversity"], "F3"))).Append("</tr>\n");
        }

        html.Append("</tbody></table>\n");
        html.Append(Chart("Click-through rate (95% Wilson interval)", arms, "ctr", "ctr_ci", v => v.ToString("P1", CultureInfo.InvariantCulture)));
        if (arms.All(a => a.Arm["watch_seconds_per_user"] is not null))
        {
            html.Append(Chart("Watch seconds per user (95% interval)", arms, "watch_seconds_per_user", "watch_seconds_per_user_ci", v => v.ToString("N0", CultureInfo.InvariantCulture)));
        }

        html.Append(Chart("Completion rate", arms, "completion_rate", null, v => v.ToString("P0", CultureInfo.InvariantCulture)));
        html.Append("\n</body></html>\n");
        return html.ToString();
    }

    /// <summary>A vertical bar chart with optional error bars, as inline SVG.</summary>
    private static string Chart(string title, (string Name, JsonObject Arm)[] arms, string key, string? intervalKey, Func<double, string> label)
    {
        const int width = 520, height = 300, left = 60, bottom = 40, top = 30;
        var values = arms.Select(a => Value(a.Arm[key])).ToArray();
        var highs = arms.Select(a => intervalKey is null ? Value(a.Arm[key]) : Value(a.Arm[intervalKey]?[1])).ToArray();
        var max = Math.Max(1e-12, highs.Concat(values).Max()) * 1.15;
        var plotHeight = height - bottom - top;
        var slot = (width - left - 10) / (double)Math.Max(1, arms.Length);
        double Y(double v) => top + plotHeight * (1 - v / max);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{Encode(title)}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"18\" text-anchor=\"middle\" font-size=\"14\">{Encode(title)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{height - bottom}\" stroke=\"#888\"/><line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{width - 10}\" y2=\"{height - bottom}\" stroke=\"#888\"/>");
        for (var t = 0; t <= 4; t++)
        {
            var v = max * t / 4;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{Y(v) + 4:F1}\" text-anchor=\"end\" font-size=\"10\" fill=\"#555\">{Encode(label(v))}</text>");
        }

        for (var i = 0; i < arms.Length; i++)
        {
            var x = left + slot * i + slot * 0.2;
            var w = slot * 0.6;
            var colour = Colours[i % Colours.Length];
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x:F1}\" y=\"{Y(values[i]):F1}\" width=\"{w:F1}\" height=\"{Y(0) - Y(values[i]):F1}\" fill=\"{colour}\"><title>{Encode(arms[i].Name)}: {Encode(label(values[i]))}</title></rect>");
            if (intervalKey is not null && arms[i].Arm[intervalKey] is JsonArray interval)
            {
                var (lo, hi) = (Value(interval[0]), Value(interval[1]));
                var cx = x + w / 2;
                svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{cx:F1}\" y1=\"{Y(lo):F1}\" x2=\"{cx:F1}\" y2=\"{Y(hi):F1}\" stroke=\"#222\" stroke-width=\"1.5\"/>");
                svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{cx - 8:F1}\" y1=\"{Y(lo):F1}\" x2=\"{cx + 8:F1}\" y2=\"{Y(lo):F1}\" stroke=\"#222\"/><line x1=\"{cx - 8:F1}\" y1=\"{Y(hi):F1}\" x2=\"{cx + 8:F1}\" y2=\"{Y(hi):F1}\" stroke=\"#222\"/>");
            }

            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + w / 2:F1}\" y=\"{height - bottom + 16}\" text-anchor=\"middle\" font-size=\"11\">{Encode(arms[i].Name)}</text>");
            // The value above the bar and above its error bar.
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + w / 2:F1}\" y=\"{Y(Math.Max(values[i], highs[i])) - 4:F1}\" text-anchor=\"middle\" font-size=\"10\">{Encode(label(values[i]))}</text>");
        }

        return svg.Append("</svg></figure>\n").ToString();
    }

    private static string Relative(JsonNode? value, JsonNode? interval, bool isControl)
    {
        if (isControl)
        {
            return "<td class=\"muted\">control</td>";
        }

        if (value is null)
        {
            return "<td class=\"muted\">—</td>";
        }

        var (lo, hi) = (Value(interval?[0]), Value(interval?[1]));
        var css = lo > 0 ? "up" : hi < 0 ? "down" : "muted";
        return $"<td class=\"{css}\">{Signed(Value(value))} [{Signed(lo)}, {Signed(hi)}]</td>";
    }

    private static string Cell(string text) => $"<td>{Encode(text)}</td>";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static double Value(JsonNode? node) => node is null ? 0 : double.Parse(node.ToJsonString(), CultureInfo.InvariantCulture);

    private static string Percent(JsonNode? node) => node is null ? "—" : Value(node).ToString("P2", CultureInfo.InvariantCulture);

    private static string Number(JsonNode? node, string format) => node is null ? "—" : Value(node).ToString(format, CultureInfo.InvariantCulture);

    private static string Integer(JsonNode? node) => node is null ? "—" : Value(node).ToString("N0", CultureInfo.InvariantCulture);

    private static string Signed(double value) => value.ToString("+0.0%;-0.0%;0.0%", CultureInfo.InvariantCulture);
}
