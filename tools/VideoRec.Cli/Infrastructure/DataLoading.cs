using System.Diagnostics;
using Spectre.Console;
using VideoRec.Import;

namespace VideoRec.Cli.Infrastructure;

/// <summary>Imports a data folder with a status line and prints what was read.</summary>
public static class DataLoading
{
    public static ImportResult Load(DataRequest settings, bool quiet = false)
    {
        var directory = DataLocator.Resolve(settings.Directory);
        var clock = Stopwatch.StartNew();
        var ratings = RatingConversion.Default with { LikeAtOrAbove = settings.LikeAt, DislikeAtOrBelow = settings.DislikeAt };
        var result = ConsoleProgress.Status($"Importing {Markup.Escape(directory)}…", () => DatasetLoader.Load(directory, ratings));
        if (!quiet)
        {
            var s = result.Summary;
            AnsiConsole.MarkupLine(
                $"Imported [bold]{Markup.Escape(result.Dataset.Name)}[/] ({s.Layout}) from {Markup.Escape(directory)}: " +
                $"{s.Videos:N0} videos, {s.Users:N0} users, {s.Interactions:N0} interaction events in {clock.Elapsed.TotalSeconds:F1} s" +
                (s.SkippedLines > 0 ? $"; [yellow]{s.SkippedLines:N0} {(s.SkippedLines == 1 ? "line" : "lines")} skipped[/] (the import command lists them by reason)" : "; no lines skipped") + ".");
        }

        return result;
    }
}
