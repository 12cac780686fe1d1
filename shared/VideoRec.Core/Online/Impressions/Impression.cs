using VideoRec.Core.Domain;

namespace VideoRec.Core.Online;

/// <summary>One video of a served list.</summary>
/// <param name="VideoId">The video.</param>
/// <param name="Position">0-based position on the page.</param>
/// <param name="Score">The score the list was ordered by (after re-ranking; any scale, finite).</param>
/// <param name="Sources">The candidate sources that proposed it (<c>wals</c>, <c>popular</c>, …); may be empty.</param>
public sealed record ImpressionItem(string VideoId, int Position, double Score, IReadOnlyList<string> Sources);

/// <summary>
/// One served list, as the impression log keeps it: what was shown, to whom, by which model and experiment arm, and
/// when. Events answer it by <see cref="RequestId"/> (or, without one, by user and video within the attribution
/// window; see <see cref="Attributor"/>).
/// </summary>
/// <param name="RequestId">The recommend response's id, the log's key (the <see cref="EntityIds"/> rule).</param>
/// <param name="UserId">The viewer.</param>
/// <param name="ModelVersion">The model bundle that served it.</param>
/// <param name="Arm">The experiment arm (<c>control</c> when no experiment runs).</param>
/// <param name="ServedAt">When the list was served, UTC.</param>
/// <param name="Items">The list, by position.</param>
public sealed record Impression(string RequestId, string UserId, string ModelVersion, string Arm, DateTimeOffset ServedAt, IReadOnlyList<ImpressionItem> Items)
{
    /// <summary>Most items one impression may hold.</summary>
    public const int MaxItems = 1000;

    /// <summary>Every problem of the record, each naming the field (<c>requestId</c>, <c>items[3].videoId</c>, …); empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        CheckId(errors, RequestId, "requestId");
        CheckId(errors, UserId, "userId");
        CheckId(errors, ModelVersion, "modelVersion");
        CheckId(errors, Arm, "arm");
        if (Items is null)
        {
            errors.Add("items is required.");
            return errors;
        }

        if (Items.Count > MaxItems)
        {
            errors.Add($"items must hold at most {MaxItems} videos, found {Items.Count}.");
        }

        var positions = new HashSet<int>();
        var videos = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Items.Count; i++)
        {
            var item = Items[i];
            if (item is null)
            {
                errors.Add($"items[{i}] is null.");
                continue;
            }

            CheckId(errors, item.VideoId, $"items[{i}].videoId");
            if (item.VideoId is not null && !videos.Add(item.VideoId))
            {
                errors.Add($"items[{i}].videoId '{item.VideoId}' is listed twice.");
            }

            if (item.Position < 0 || !positions.Add(item.Position))
            {
                errors.Add($"items[{i}].position must be a distinct position of 0 or more, found {item.Position}.");
            }

            if (!double.IsFinite(item.Score))
            {
                errors.Add($"items[{i}].score must be finite, found {item.Score}.");
            }

            if (item.Sources is null || item.Sources.Any(s => EntityIds.Check(s) != IdProblem.None))
            {
                errors.Add($"items[{i}].sources must be a list of non-empty names.");
            }
        }

        return errors;
    }

    /// <summary>Throws when <see cref="Validate"/> finds a problem.</summary>
    /// <exception cref="ArgumentException">Every problem, one per line.</exception>
    public Impression EnsureValid()
    {
        var errors = Validate();
        return errors.Count == 0 ? this : throw new ArgumentException("Invalid impression:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
    }

    private static void CheckId(List<string> errors, string? id, string field)
    {
        var problem = EntityIds.Check(id);
        if (problem != IdProblem.None)
        {
            errors.Add(EntityIds.Describe(problem, field));
        }
    }
}
