namespace VideoRec.Core.Online;

/// <summary>What online metrics can be grouped by (the <c>groupBy</c> of <c>GET /api/metrics</c>).</summary>
public enum MetricsDimension
{
    /// <summary>The model bundle that served the list (<c>modelVersion</c>).</summary>
    ModelVersion,

    /// <summary>The experiment arm (<c>arm</c>).</summary>
    Arm,

    /// <summary>The candidate source of the item (<c>source</c>); an item proposed by several sources counts in each.</summary>
    Source,

    /// <summary>The item's 0-based position on the page (<c>position</c>).</summary>
    Position,
}

/// <summary>The contract names of <see cref="MetricsDimension"/>.</summary>
public static class MetricsDimensions
{
    private static readonly Dictionary<string, MetricsDimension> ByName = new(StringComparer.Ordinal)
    {
        ["modelVersion"] = MetricsDimension.ModelVersion,
        ["arm"] = MetricsDimension.Arm,
        ["source"] = MetricsDimension.Source,
        ["position"] = MetricsDimension.Position,
    };

    /// <summary>The names clients send, in order.</summary>
    public static IReadOnlyCollection<string> Names => ByName.Keys;

    /// <summary>The contract name of <paramref name="dimension"/> (<c>modelVersion</c>, <c>arm</c>, <c>source</c>, <c>position</c>).</summary>
    public static string Name(MetricsDimension dimension) => ByName.First(p => p.Value == dimension).Key;

    /// <summary>
    /// Parses a comma-separated list such as <c>arm,position</c> (case-sensitive names, each once); empty or blank
    /// gives no grouping.
    /// </summary>
    /// <param name="text">The list.</param>
    /// <param name="dimensions">The dimensions, in the given order.</param>
    /// <param name="error">What is wrong, when the list is invalid.</param>
    public static bool TryParse(string? text, out IReadOnlyList<MetricsDimension> dimensions, out string? error)
    {
        dimensions = [];
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        var list = new List<MetricsDimension>();
        foreach (var part in text.Split(','))
        {
            var name = part.Trim();
            if (!ByName.TryGetValue(name, out var dimension))
            {
                error = $"groupBy must be a comma-separated list of {string.Join(", ", ByName.Keys)}, found '{(name.Length > 32 ? name[..32] + "…" : name)}'.";
                return false;
            }

            if (list.Contains(dimension))
            {
                error = $"groupBy names '{name}' twice.";
                return false;
            }

            list.Add(dimension);
        }

        dimensions = list;
        return true;
    }
}
