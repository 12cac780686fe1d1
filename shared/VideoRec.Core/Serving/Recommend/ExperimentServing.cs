using System.Text.Json;
using Microsoft.Extensions.Logging;
using VideoRec.Core.Bundles;
using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.Online;
using VideoRec.Core.Pipeline;
using VideoRec.Core.Reranking;

namespace VideoRec.Core.Serving.Recommend;

/// <summary>
/// Serving under an A/B experiment: every arm is a whole pipeline configuration with its own serving model built from
/// the served bundle (the arm's candidate sources, quotas and counts, re-ranking settings, and policy: <c>pipeline</c>
/// as configured, <c>wals</c> the WALS source alone with the WALS order kept, <c>popularity</c> the popular list alone
/// in its own order; the safety rules — region, consumed, hidden, misinformation — apply to every arm). A user is routed
/// by <see cref="ExperimentAssignment"/> (a stable hash of the experiment name and user id). Each arm builds its own
/// indexes; all arms serve the same model version (an arm naming another version is refused at start).
/// </summary>
public sealed class ExperimentServing : IDisposable
{
    private readonly Dictionary<string, ServingModelHost> _arms = new(StringComparer.Ordinal);

    /// <summary>Builds the arms' hosts (their models are built on first use or by <see cref="EnsureCurrentAsync"/>).</summary>
    /// <param name="experiment">The experiment (validated).</param>
    /// <param name="bundles">The served bundle.</param>
    /// <param name="defaults">The serving settings arms start from.</param>
    /// <param name="indexes">The index provider.</param>
    /// <param name="twoTower">The two-tower loader, or <c>null</c>.</param>
    /// <param name="scorer">The scorer of the <c>pipeline</c> policy (such as the ranker), or <c>null</c> for WALS; the <c>wals</c> policy always scores by WALS.</param>
    /// <param name="loggers">Loggers of the arms' hosts, or <c>null</c>.</param>
    /// <exception cref="ArgumentException">The experiment is invalid, or an arm names a model version (every problem named).</exception>
    public ExperimentServing(ExperimentOptions experiment, IModelBundleProvider bundles, ServingModelOptions defaults, IServingIndexProvider indexes,
        Func<ModelBundle, TwoTowerServing?>? twoTower = null, Func<ServingModel, ICandidateScorer>? scorer = null, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        var errors = experiment.Validate().ToList();
        errors.AddRange(experiment.Arms?.Where(a => a?.Pipeline?.ModelVersion is not null)
            .Select(a => $"Arm {a.Name}: serving runs one model version per process; leave ModelVersion empty (found '{a.Pipeline.ModelVersion}').") ?? []);
        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid experiment {experiment.Name}:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        }

        Assignment = new ExperimentAssignment(experiment);
        foreach (var arm in experiment.Arms!)
        {
            var options = ArmOptions(defaults, arm.Pipeline);
            // The wals and popularity policies are baselines: their own order, whatever scorer the pipeline is given.
            Func<ServingModel, ICandidateScorer>? armScorer = arm.Pipeline.Policy switch
            {
                ArmPolicies.Popularity => _ => new FusedScoreScorer(),
                ArmPolicies.Wals => m => new WalsCandidateScorer(m.Bundle),
                _ => scorer,
            };
            _arms[arm.Name] = new ServingModelHost(bundles, new ServingModelBuilder(options, indexes, twoTower, armScorer), logger: loggers?.CreateLogger<ServingModelHost>());
        }
    }

    /// <summary>The user-to-arm assignment.</summary>
    public ExperimentAssignment Assignment { get; }

    /// <summary>Each arm's serving host, by arm name.</summary>
    public IReadOnlyDictionary<string, ServingModelHost> Arms => _arms;

    /// <summary>The arm of <paramref name="userId"/> and its host.</summary>
    public (string Arm, ServingModelHost Host) Route(string userId)
    {
        var arm = Assignment.Assign(userId).Name;
        return (arm, _arms[arm]);
    }

    /// <summary>Builds every arm's model of the current bundle.</summary>
    public async Task EnsureCurrentAsync(CancellationToken cancellationToken)
    {
        foreach (var host in _arms.Values)
        {
            await host.EnsureCurrentAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Disposes every arm's model.</summary>
    public void Dispose()
    {
        foreach (var host in _arms.Values)
        {
            host.Dispose();
        }
    }

    /// <summary>The serving settings of one arm: <paramref name="defaults"/> with the arm's policy, sources and re-ranking applied (a copy; the defaults are not changed).</summary>
    public static ServingModelOptions ArmOptions(ServingModelOptions defaults, ArmPipeline arm)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        ArgumentNullException.ThrowIfNull(arm);
        var candidates = Copy(defaults.Candidates);
        if (arm.Sources is { } sources)
        {
            foreach (var (name, source) in sources)
            {
                candidates.Sources[name] = Copy(source);
            }
        }

        var rerank = Copy(arm.Rerank ?? defaults.Rerank);
        var only = arm.Policy switch
        {
            ArmPolicies.Wals => CandidateSources.Wals,
            ArmPolicies.Popularity => CandidateSources.Popular,
            _ => null,
        };
        if (only is not null)
        {
            foreach (var (name, source) in candidates.Sources)
            {
                source.Enabled = name == only;
                source.Quota = 0;
            }

            // The model's own order: no diversity, exploration, freshness, clickbait or caps; the safety rules stay.
            rerank.DiversityLambda = 1;
            rerank.ExplorationShare = 0;
            rerank.FreshnessBoost = 0;
            rerank.ClickbaitPenalty = 0;
            rerank.MaxCreatorShare = 1;
            rerank.MaxPerTag = 0;
            rerank.OverexposureFactor = 1;
        }

        return new ServingModelOptions
        {
            Candidates = candidates,
            Pipeline = defaults.Pipeline,
            Rerank = rerank,
            ActivityRefreshInterval = defaults.ActivityRefreshInterval,
            ProfileBudgetMs = defaults.ProfileBudgetMs,
            FallbackCount = defaults.FallbackCount,
            SimilarCacheSeeds = defaults.SimilarCacheSeeds,
        }.EnsureValid();
    }

    private static T Copy<T>(T value) => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value))!;
}
