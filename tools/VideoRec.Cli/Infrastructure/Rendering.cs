using System.Globalization;
using Spectre.Console;
using VideoRec.Core.Evaluation;
using VideoRec.Core.Serving;

namespace VideoRec.Cli.Infrastructure;

/// <summary>Tables the commands print.</summary>
public static class Rendering
{
    private static readonly (string Key, string Header)[] Columns =
    [
        ("precision", "P@k"), ("recall", "R@k"), ("ndcg", "nDCG@k"), ("map", "MAP"), ("map_at_k", "MAP@k"),
        ("hit_rate", "HitRate@k"), ("coverage", "Coverage"), ("diversity", "Diversity"),
    ];

    /// <summary>Metric × model, mean ± standard deviation over seeds.</summary>
    public static Table Metrics(EvaluationReport report)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"{Markup.Escape(report.Dataset)} · {report.Protocol} split · k = {report.K} · seeds {string.Join(",", report.Seeds)}");
        table.AddColumn("Metric");
        foreach (var name in report.Models.Keys)
        {
            table.AddColumn(new TableColumn($"[bold]{Markup.Escape(name)}[/]").RightAligned());
        }

        foreach (var (key, header) in Columns)
        {
            var cells = new List<string> { header.Replace("@k", "@" + report.K.ToString(CultureInfo.InvariantCulture)) };
            foreach (var model in report.Models.Values)
            {
                var mean = model.Mean(key);
                cells.Add(double.IsNaN(mean) ? "–" : report.Seeds.Count > 1 ? $"{mean:F4} [grey]± {model.Std(key):F4}[/]" : $"{mean:F4}");
            }

            table.AddRow(cells.ToArray());
        }

        table.Caption("[grey]Mean ± standard deviation over seeds. Diversity: mean pairwise cosine similarity within a list, in WALS factor space (lower is more diverse). MAP divides by all relevant items, MAP@k by min(k, relevant).[/]");
        return table;
    }

    /// <summary>A recommendation list.</summary>
    public static Table Items(string title, IReadOnlyList<VideoRec.Core.Serving.Recommend.RecommendedVideo> items)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(title);
        table.AddColumn(new TableColumn("#").RightAligned());
        table.AddColumn("Video");
        table.AddColumn("Title");
        table.AddColumn(new TableColumn("Score").RightAligned());
        table.AddColumn("Sources");
        foreach (var item in items)
        {
            table.AddRow((item.Position + 1).ToString(CultureInfo.InvariantCulture), Markup.Escape(item.VideoId), Markup.Escape(item.Title),
                item.Score.ToString("F4", CultureInfo.InvariantCulture), Markup.Escape(string.Join(", ", item.Sources)));
        }

        return table;
    }

    public static Table Items(string title, IReadOnlyList<RecommendedItem> items)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(title);
        table.AddColumn(new TableColumn("#").RightAligned());
        table.AddColumn("Video");
        table.AddColumn("Title");
        table.AddColumn(new TableColumn("Score").RightAligned());
        table.AddColumn("Source");
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            table.AddRow((i + 1).ToString(CultureInfo.InvariantCulture), Markup.Escape(item.VideoId), Markup.Escape(item.Title),
                item.Score.ToString("F4", CultureInfo.InvariantCulture), item.Source);
        }

        return table;
    }
}
