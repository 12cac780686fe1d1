using System.Text.Json.Serialization;

namespace VideoRec.Core.Serving.Recommend;

/// <summary>One video on a homepage page.</summary>
/// <param name="VideoId">The video.</param>
/// <param name="Title">Its title.</param>
/// <param name="Score">The scoring stage's score after re-ranking adjustments (higher is better; the scale depends on the scorer, see <see cref="RecommendationExplanation.Scorer"/>).</param>
/// <param name="Position">0-based position on this page.</param>
/// <param name="Sources">The candidate sources that proposed it (<c>twotower</c>, <c>wals</c>, <c>similar</c>, <c>popular</c>, <c>trending</c>, <c>fresh</c>, or <c>fallback</c> sources).</param>
/// <param name="Reasons">Why it is here, in words: who proposed it and every re-ranking rule that moved it.</param>
public sealed record RecommendedVideo(string VideoId, string Title, double Score, int Position, IReadOnlyList<string> Sources, IReadOnlyList<string> Reasons);

/// <summary>A candidate a re-ranking rule removed (only with <c>?explain=true</c>).</summary>
/// <param name="VideoId">The video.</param>
/// <param name="Rule">The rule, such as <c>region</c>, <c>consumed</c>, <c>misinformation</c>, <c>near_duplicate</c>, <c>creator_cap</c>.</param>
/// <param name="Reason">The reason in words.</param>
public sealed record RemovedVideo(string VideoId, string Rule, string Reason);

/// <summary>One candidate source's share of a request (only with <c>?explain=true</c>).</summary>
/// <param name="Source">The source.</param>
/// <param name="Status"><c>ok</c>, <c>timeout</c> or <c>failed</c>.</param>
/// <param name="Proposed">Videos it proposed.</param>
/// <param name="Selected">Of those, kept in the merged candidates.</param>
/// <param name="ElapsedMs">Its wall time, ms.</param>
/// <param name="Error">Why it failed, or <c>null</c>.</param>
public sealed record SourceExplanation(string Source, string Status, int Proposed, int Selected, double ElapsedMs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error);

/// <summary>One pipeline stage's timing (only with <c>?explain=true</c>).</summary>
/// <param name="Stage"><c>profile</c>, <c>candidates</c>, <c>scoring</c> or <c>reranking</c>.</param>
/// <param name="ElapsedMs">Wall time, ms.</param>
/// <param name="Degraded">Why it fell back, or <c>null</c>.</param>
public sealed record StageExplanation(string Stage, double ElapsedMs, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Degraded);

/// <summary>What happened inside one request (the <c>explain</c> member, with <c>?explain=true</c>).</summary>
/// <param name="Scorer">The scorer whose scores ordered the page (<c>wals</c>, a ranker's name, or <c>fused</c>).</param>
/// <param name="ColdStart">Whether the user had no personal signal (no WALS vector, no history).</param>
/// <param name="Candidates">Candidates that entered scoring: the merged candidates, or the fallback list when no source proposed any.</param>
/// <param name="Sources">Per-source reports.</param>
/// <param name="Stages">Per-stage timings.</param>
/// <param name="Removed">Every candidate re-ranking removed, with its rule.</param>
public sealed record RecommendationExplanation(string Scorer, bool ColdStart, int Candidates, IReadOnlyList<SourceExplanation> Sources,
    IReadOnlyList<StageExplanation> Stages, IReadOnlyList<RemovedVideo> Removed);

/// <summary>The answer to "what should this user watch next" (<c>GET /api/users/{userId}/recommendations</c>).</summary>
/// <param name="RequestId">A unique id of this response; clients send it with the events it leads to (attribution).</param>
/// <param name="UserId">The user asked about.</param>
/// <param name="ModelVersion">The model bundle version that produced it.</param>
/// <param name="Items">The page, best first.</param>
/// <param name="NextPageToken">Pass as <c>pageToken</c> for the next page (never repeats a video of this or an earlier page).</param>
/// <param name="Degraded">Why the answer is degraded (a store, a source or a stage fell back); empty when it ran normally.</param>
/// <param name="Explain">What happened inside, with <c>?explain=true</c>; omitted otherwise.</param>
public sealed record RecommendationPage(string RequestId, string UserId, string ModelVersion, IReadOnlyList<RecommendedVideo> Items, string NextPageToken,
    IReadOnlyList<string> Degraded,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RecommendationExplanation? Explain = null);
