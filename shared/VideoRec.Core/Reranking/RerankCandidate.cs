namespace VideoRec.Core.Reranking;

/// <summary>A scored candidate entering re-ranking.</summary>
/// <param name="VideoId">The video.</param>
/// <param name="Score">The scoring model's score (higher is better; any scale).</param>
/// <param name="Sources">The candidate sources that proposed it.</param>
/// <param name="Video">Its catalogue fields and statistics.</param>
public sealed record RerankCandidate(string VideoId, double Score, IReadOnlyList<string> Sources, RerankVideo Video);

/// <summary>A video in the final list.</summary>
/// <param name="VideoId">The video.</param>
/// <param name="Position">0-based position on this page.</param>
/// <param name="Score">The score after re-ranking adjustments.</param>
/// <param name="Sources">The candidate sources that proposed it.</param>
/// <param name="Reasons">Why it is here and what changed its score, in words (such as <c>"proposed by wals"</c>, <c>"fresh upload: +0.12"</c>).</param>
public sealed record RerankedItem(string VideoId, int Position, double Score, IReadOnlyList<string> Sources, IReadOnlyList<string> Reasons);

/// <summary>A candidate re-ranking removed, and why.</summary>
/// <param name="VideoId">The video.</param>
/// <param name="Rule">The rule, such as <c>region</c>, <c>consumed</c>, <c>misinformation</c>, <c>near_duplicate</c>, <c>creator_cap</c>.</param>
/// <param name="Reason">The reason in words.</param>
public sealed record RerankRemoval(string VideoId, string Rule, string Reason);

/// <summary>The outcome of re-ranking one page.</summary>
/// <param name="Items">The page, best first.</param>
/// <param name="Removed">Every removed candidate with its rule (for <c>?explain=true</c>).</param>
/// <param name="Served">Hashes of the videos served on this and earlier pages, oldest first (what the next page token carries).</param>
public sealed record RerankResult(IReadOnlyList<RerankedItem> Items, IReadOnlyList<RerankRemoval> Removed, IReadOnlyList<uint> Served)
{
    /// <summary>The token of the next page.</summary>
    public string NextPageToken => PageToken.Encode(Served);
}
