using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using VideoRec.Cli.Infrastructure;

namespace VideoRec.Cli.Commands;

/// <summary><c>vrec import</c>: read and check a data folder.</summary>
public static class ImportCommand
{
    public static Command Create()
    {
        var data = new DataOptions();
        var json = CommonOptions.Json();
        var command = new Command("import", "Read a data folder, check every line, and print what it holds (and every skipped line, by reason).");
        data.AddTo(command);
        command.Add(json);
        command.SetAction(parse => ErrorReporting.Run(() =>
        {
            var request = data.Read(parse);
            JsonOutput.CheckWritable(parse.GetValue(json));
            var result = DataLoading.Load(request);
            var summary = result.Summary;
            var table = new Table().Border(TableBorder.Rounded).Title($"{Markup.Escape(result.Dataset.Name)} ({summary.Layout})");
            table.AddColumn("File");
            table.AddColumn(new TableColumn("Lines").RightAligned());
            table.AddColumn(new TableColumn("Records").RightAligned());
            table.AddColumn("Skipped");
            foreach (var file in summary.Files)
            {
                var skipped = file.Skipped.Count == 0 ? "0" : string.Join("; ", file.Skipped.Select(s => $"{s.Value:N0} {s.Key}"));
                table.AddRow(Markup.Escape(file.File), file.Lines.ToString("N0", CultureInfo.InvariantCulture), file.Records.ToString("N0", CultureInfo.InvariantCulture), Markup.Escape(skipped));
            }

            AnsiConsole.Write(table);
            var byType = result.Dataset.Interactions.GroupBy(i => i.Type).OrderBy(g => g.Key).ToArray();
            AnsiConsole.MarkupLine($"Events: {string.Join(", ", byType.Select(g => $"{g.Count():N0} {g.Key.ToString().ToLowerInvariant()}"))}. Data SHA-256 {summary.Sha256}.");

            var files = new JsonArray();
            foreach (var file in summary.Files)
            {
                var skipped = new JsonObject();
                foreach (var (reason, count) in file.Skipped)
                {
                    skipped[reason] = count;
                }

                files.Add(new JsonObject { ["file"] = file.File, ["lines"] = file.Lines, ["records"] = file.Records, ["skipped"] = skipped });
            }

            var events = new JsonObject();
            foreach (var group in byType)
            {
                events[group.Key.ToString().ToLowerInvariant()] = group.Count();
            }

            JsonOutput.Write(parse.GetValue(json), new JsonObject
            {
                ["dataset"] = result.Dataset.Name,
                ["layout"] = summary.Layout,
                ["sha256"] = summary.Sha256,
                ["videos"] = summary.Videos,
                ["users"] = summary.Users,
                ["interactions"] = summary.Interactions,
                ["events"] = events,
                ["skipped_lines"] = summary.SkippedLines,
                ["files"] = files,
            });
            return 0;
        }));
        return command;
    }
}
