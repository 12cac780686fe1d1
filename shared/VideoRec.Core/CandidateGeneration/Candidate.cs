namespace VideoRec.Core.CandidateGeneration;

/// <summary>One video proposed by one candidate generator.</summary>
/// <param name="VideoId">The video.</param>
/// <param name="Score">The generator's own score (its units depend on the source; higher is better).</param>
/// <param name="Source">The generator's name, such as <c>twotower</c> or <c>popular</c> (see <see cref="CandidateSources"/>).</param>
public readonly record struct Candidate(string VideoId, float Score, string Source);

/// <summary>The names of the built-in candidate generators, used as provenance and as option keys.</summary>
public static class CandidateSources
{
    /// <summary>Two-tower ANN: the user tower's embedding against the video-embedding index.</summary>
    public const string TwoTower = "twotower";

    /// <summary>WALS ANN: the user's factor vector against the video-factor index (inner product).</summary>
    public const string Wals = "wals";

    /// <summary>Most viewed in the user's region and language over a recent window.</summary>
    public const string Popular = "popular";

    /// <summary>Largest time-decayed growth of views.</summary>
    public const string Trending = "trending";

    /// <summary>Recent uploads (exploration and new-video cold start).</summary>
    public const string Fresh = "fresh";

    /// <summary>Item-to-item neighbours of the user's last watched videos.</summary>
    public const string Similar = "similar";

    /// <summary>Every built-in source, in the default priority order.</summary>
    public static IReadOnlyList<string> All { get; } = [TwoTower, Wals, Similar, Popular, Trending, Fresh];

    /// <summary>A source's position in <see cref="All"/>; <see cref="int.MaxValue"/> for other names.</summary>
    public static int Priority(string source) => All.ToList().IndexOf(source) is var i and >= 0 ? i : int.MaxValue;
}
