namespace VideoRec.Core.Simulation.ClosedLoop;

/// <summary>One arm's outcome of a closed-loop experiment.</summary>
/// <param name="Name">The arm (policy name).</param>
/// <param name="Users">Users assigned to the arm (with or without visits).</param>
/// <param name="Requests">Lists served.</param>
/// <param name="Impressions">Items shown.</param>
/// <param name="Clicks">Items clicked.</param>
/// <param name="Ctr">Clicks / impressions.</param>
/// <param name="CtrLow">Lower end of the CTR's 95% Wilson interval.</param>
/// <param name="CtrHigh">Upper end of the CTR's 95% Wilson interval.</param>
/// <param name="WatchSeconds">Total attributed watch time, seconds.</param>
/// <param name="WatchSecondsPerUser">Watch seconds per assigned user.</param>
/// <param name="WatchSecondsPerUserLow">Lower end of its 95% normal interval (mean ± 1.96 · sd / √users; users are independent).</param>
/// <param name="WatchSecondsPerUserHigh">Upper end of that interval.</param>
/// <param name="Completions">Items watched to 90% of their duration.</param>
/// <param name="CompletionRate">Completions / clicks.</param>
/// <param name="LikesPerThousand">Likes per 1,000 impressions.</param>
/// <param name="DislikesPerThousand">Dislikes per 1,000 impressions.</param>
/// <param name="Coverage">Distinct videos served over the run / catalogue size (long-run catalogue coverage).</param>
/// <param name="IntraListDiversity">Mean share of item pairs of a list with different topics (ground truth).</param>
/// <param name="MeanRelevance">Mean ground-truth relevance (<see cref="SimulatedWorld.Relevance"/>) of the served items.</param>
/// <param name="DegradedRequests">Requests where the pipeline fell back (a source failed, scoring fell back to the fused order); 0 for the model arms.</param>
public sealed record ArmResult(string Name, int Users, long Requests, long Impressions, long Clicks, double Ctr, double CtrLow, double CtrHigh,
    double WatchSeconds, double WatchSecondsPerUser, double WatchSecondsPerUserLow, double WatchSecondsPerUserHigh, long Completions,
    double CompletionRate, double LikesPerThousand, double DislikesPerThousand, double Coverage, double? IntraListDiversity, double MeanRelevance, long DegradedRequests);

/// <summary>What went through the ingestion path during a run.</summary>
/// <param name="Events">Events generated (organic warm-up and closed loop).</param>
/// <param name="Accepted">Events validation accepted (all of them: a refused simulated event fails the run).</param>
/// <param name="Applied">Events the store applied (0 without a store).</param>
/// <param name="Impressions">Served lists written to the impression log.</param>
/// <param name="IngestSeconds">Wall time spent in validation and the store, seconds.</param>
public sealed record IngestionTotals(long Events, long Accepted, long Applied, long Impressions, double IngestSeconds)
{
    /// <summary>Events per second through validation and the store.</summary>
    public double EventsPerSecond => IngestSeconds > 0 ? Accepted / IngestSeconds : 0;
}

/// <summary>The outcome of <see cref="ClosedLoopSimulation.RunAsync"/>.</summary>
/// <param name="Arms">Per arm, in the order asked.</param>
/// <param name="Ingestion">Ingestion totals.</param>
/// <param name="Users">Users in the world.</param>
/// <param name="Videos">Videos in the world.</param>
/// <param name="Days">Closed-loop days.</param>
public sealed record ClosedLoopResult(IReadOnlyList<ArmResult> Arms, IngestionTotals Ingestion, int Users, int Videos, int Days)
{
    /// <summary>The first degradation a pipeline arm reported, or <c>null</c> when none did.</summary>
    public string? FirstDegradation { get; init; }

    /// <summary>The arm named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such arm ran.</exception>
    public ArmResult Arm(string name) => Arms.FirstOrDefault(a => a.Name == name) ?? throw new KeyNotFoundException($"No arm '{name}' ran.");
}

/// <summary>Progress of a run.</summary>
/// <param name="Stage">What is happening (<c>warm-up</c>, <c>day 3</c>, <c>metrics</c>).</param>
/// <param name="Done">Steps done.</param>
/// <param name="Total">Steps in all.</param>
public readonly record struct ClosedLoopProgress(string Stage, int Done, int Total);
