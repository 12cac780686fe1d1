using System.Diagnostics;
using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.Reranking;

namespace VideoRec.Core.Pipeline;

/// <summary>What happened in one stage of one request.</summary>
/// <param name="Stage">The stage: <c>candidates</c>, <c>scoring</c> or <c>reranking</c>.</param>
/// <param name="ElapsedMs">Wall time, ms.</param>
/// <param name="Degraded">Why the stage fell back, or <c>null</c> when it ran normally.</param>
public sealed record StageReport(string Stage, double ElapsedMs, string? Degraded = null);

/// <summary>The outcome of one recommend request.</summary>
/// <param name="Page">The re-ranked page.</param>
/// <param name="Candidates">The candidate set (with per-source reports), or <c>null</c> when generation failed outright.</param>
/// <param name="Scorer">The scorer whose scores ordered the page.</param>
/// <param name="Stages">Per-stage timings and fallbacks.</param>
public sealed record PipelineResult(RerankResult Page, CandidateSet? Candidates, string Scorer, IReadOnlyList<StageReport> Stages)
{
    /// <summary>
    /// The candidates that entered scoring: the merged candidates, or the fallback list when generation yielded none
    /// (then <see cref="Candidates"/> holds none of them).
    /// </summary>
    public int Scored { get; init; }

    /// <summary>The reasons the answer is degraded (a source, a stage or the whole pipeline fell back); empty when none.</summary>
    public IReadOnlyList<string> Degradations =>
    [
        .. Candidates?.Sources.Where(s => s.Status != SourceStatus.Ok).Select(s => $"source {s.Source}: {s.Error}") ?? [],
        .. Stages.Where(s => s.Degraded is not null).Select(s => $"{s.Stage}: {s.Degraded}"),
    ];
}

/// <summary>
/// The recommend pipeline of the design: candidate generation → scoring → re-ranking, each stage under a time budget.
/// A stage that fails or overruns degrades instead of failing the request: no candidates → the fallback list (popular in
/// the user's region); no scores → the fused candidate order; the page still goes through re-ranking's rules.
/// </summary>
/// <param name="candidates">Candidate generation.</param>
/// <param name="scorer">The scoring stage.</param>
/// <param name="videos">Re-ranking facts of a video by id (catalogue, integrity flags, statistics); <c>null</c> for an unknown video (left out and reported).</param>
/// <param name="fallback">The candidates to serve when generation yields nothing (such as popular in the user's region).</param>
/// <param name="options">Stage budgets (validated: an <see cref="ArgumentException"/> names every bad setting).</param>
/// <param name="rerank">Re-ranking settings.</param>
public sealed class RecommendationPipeline(CandidateGenerationPipeline candidates, ICandidateScorer scorer, Func<string, RerankVideo?> videos,
    Func<CandidateRequest, IReadOnlyList<Candidate>> fallback, PipelineOptions options, RerankOptions rerank)
{
    private static readonly FusedScoreScorer Fused = new();

    private readonly PipelineOptions _options = options?.Validate() is { Count: > 0 } errors
        ? throw new ArgumentException("Invalid pipeline settings:" + Environment.NewLine + string.Join(Environment.NewLine, errors), nameof(options))
        : options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Runs the pipeline for one request.</summary>
    /// <param name="request">Candidate generation's view of the request.</param>
    /// <param name="context">Re-ranking's view of the request (page size, exclusions, page token).</param>
    /// <param name="cancellationToken">Abandons the request.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<PipelineResult> RunAsync(CandidateRequest request, RerankContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var stages = new List<StageReport>(3);
        using var activity = RecommendTelemetry.Activities.StartActivity("recommend");
        var clock = Stopwatch.StartNew();
        var stageActivity = RecommendTelemetry.Activities.StartActivity("candidates");

        CandidateSet? set = null;
        string? candidateProblem = null;
        try
        {
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            budget.CancelAfter(_options.CandidatesBudgetMs);
            set = await candidates.GenerateAsync(request, budget.Token).WaitAsync(budget.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            candidateProblem = $"no candidates within {_options.CandidatesBudgetMs} ms";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            candidateProblem = $"{e.GetType().Name}: {e.Message}";
        }

        IReadOnlyList<MergedCandidate> merged = set?.Candidates ?? [];
        if (merged.Count == 0)
        {
            candidateProblem ??= "no source proposed a video";
            try
            {
                // The fallback is often stitched from several lists (the region's, then the global one): keep each
                // video once, at its first position, and skip entries without an id.
                var seen = new HashSet<string>(StringComparer.Ordinal);
                merged = [.. (fallback(request) ?? [])
                    .Where(c => !string.IsNullOrEmpty(c.VideoId) && !request.Excluded.Contains(c.VideoId) && seen.Add(c.VideoId))
                    .Select((c, i) => new MergedCandidate(c.VideoId, i, [new CandidateProvenance(c.Source, c.Score, i)], 1.0 / (CandidateMerger.FusionOffset + i)))];
                candidateProblem += $"; served the fallback list ({merged.Count} videos)";
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                merged = [];
                candidateProblem += $"; the fallback list failed ({e.GetType().Name}: {e.Message})";
            }
        }

        stages.Add(new StageReport("candidates", clock.Elapsed.TotalMilliseconds, candidateProblem));
        stageActivity?.SetTag("candidates", merged.Count);
        stageActivity?.Dispose();

        clock.Restart();
        stageActivity = RecommendTelemetry.Activities.StartActivity("scoring");
        var (scores, scorerName, scoringProblem) = await ScoreAsync(request, merged, cancellationToken).ConfigureAwait(false);
        stages.Add(new StageReport("scoring", clock.Elapsed.TotalMilliseconds, scoringProblem));
        stageActivity?.SetTag("scorer", scorerName);
        stageActivity?.Dispose();

        clock.Restart();
        stageActivity = RecommendTelemetry.Activities.StartActivity("reranking");
        // A candidate whose catalogue facts cannot be read is left out: without them the rules (region, hidden,
        // misinformation) cannot be applied.
        var rerankCandidates = new List<RerankCandidate>(merged.Count);
        var unknown = new List<string>();
        for (var i = 0; i < merged.Count; i++)
        {
            RerankVideo? facts;
            try
            {
                facts = videos(merged[i].VideoId);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                facts = null;
            }

            if (facts is null)
            {
                unknown.Add(merged[i].VideoId);
                continue;
            }

            rerankCandidates.Add(new RerankCandidate(merged[i].VideoId, scores[i], [.. merged[i].Sources.Select(s => s.Source)], facts));
        }

        var page = ReRanker.Rerank(rerankCandidates, context, rerank);
        stages.Add(new StageReport("reranking", clock.Elapsed.TotalMilliseconds, unknown.Count == 0 ? null
            : $"no catalogue facts for {unknown.Count} candidates ({string.Join(", ", unknown.Take(5))}{(unknown.Count > 5 ? ", …" : "")}); left out"));
        stageActivity?.SetTag("removed", page.Removed.Count);
        stageActivity?.Dispose();
        if (set is not null)
        {
            RecommendTelemetry.RecordCandidates(set);
        }

        foreach (var stage in stages)
        {
            RecommendTelemetry.RecordStage(stage);
        }

        var result = new PipelineResult(page, set, scorerName, stages) { Scored = merged.Count };
        activity?.SetTag("degraded", result.Degradations.Count > 0);
        return result;
    }

    private async Task<(float[] Scores, string Scorer, string? Problem)> ScoreAsync(CandidateRequest request, IReadOnlyList<MergedCandidate> merged,
        CancellationToken cancellationToken)
    {
        try
        {
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            budget.CancelAfter(_options.ScoringBudgetMs);
            var scores = await scorer.ScoreAsync(request, merged, budget.Token).AsTask().WaitAsync(budget.Token).ConfigureAwait(false);
            if (scores.Length != merged.Count)
            {
                throw new InvalidOperationException($"the scorer returned {scores.Length} scores for {merged.Count} candidates");
            }

            return (scores, scorer.Name, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (await Fused.ScoreAsync(request, merged, cancellationToken).ConfigureAwait(false), Fused.Name,
                $"{scorer.Name} gave no scores within {_options.ScoringBudgetMs} ms; candidates keep their fused order");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (await Fused.ScoreAsync(request, merged, cancellationToken).ConfigureAwait(false), Fused.Name,
                $"{scorer.Name} failed ({e.GetType().Name}: {e.Message}); candidates keep their fused order");
        }
    }
}
