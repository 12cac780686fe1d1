using System.Buffers;
using System.Collections.Concurrent;
using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.Pipeline;
using VideoRec.Core.Scoring;
using VideoRec.Scoring.Onnx;

namespace VideoRec.Scoring.Serving;

/// <summary>
/// The scoring stage served with ONNX Runtime (design, "Scoring"): for one request it reads the user's scoring view,
/// assembles the feature matrix <c>[candidates, features]</c> of every merged candidate in one pass (video features from
/// the shared <see cref="VideoFeatureTable"/> cache), runs one ONNX batch and returns the scores. No TorchSharp.
/// </summary>
/// <remarks>
/// Thread-safe: assemblers (which own scratch buffers) are pooled, the feature matrix is rented from
/// <see cref="ArrayPool{T}.Shared"/>, and the ONNX session is shared. Allocations per request: the returned score array
/// and what the user source allocates.
/// </remarks>
public sealed class RankerCandidateScorer : ICandidateScorer, IDisposable
{
    private readonly OnnxScorer _scorer;
    private readonly Func<CandidateRequest, CancellationToken, ValueTask<ScoringUser>> _users;
    private readonly ConcurrentBag<FeatureAssembler> _assemblers = [];
    private volatile VideoFeatureTable _videos;

    /// <summary>Creates the scorer.</summary>
    /// <param name="scorer">The ONNX ranker (see <see cref="RankerBundle.Load"/>); disposed with this scorer.</param>
    /// <param name="videos">The video feature cache; its layout must be the ranker's.</param>
    /// <param name="users">The user's scoring view of a request (profile, WALS and user-tower vectors, recent watches), read from the feature store.</param>
    /// <param name="name">Name for responses and telemetry; default <c>ranker-v&lt;version&gt;-&lt;fingerprint&gt;</c>.</param>
    /// <exception cref="ArgumentException">The cache's layout is not the ranker's.</exception>
    public RankerCandidateScorer(OnnxScorer scorer, VideoFeatureTable videos, Func<CandidateRequest, CancellationToken, ValueTask<ScoringUser>> users, string? name = null)
    {
        _scorer = scorer ?? throw new ArgumentNullException(nameof(scorer));
        _users = users ?? throw new ArgumentNullException(nameof(users));
        _videos = Check(videos);
        Name = name ?? $"ranker-v{scorer.Description.version}-{scorer.Features.Fingerprint[..8]}";
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The feature layout the ranker reads.</summary>
    public ScoringFeatures Features => _scorer.Features;

    /// <summary>Swaps in a rebuilt video feature cache (such as after the feature store's periodic bulk read); requests in flight finish on the old one.</summary>
    /// <exception cref="ArgumentException">The cache's layout is not the ranker's.</exception>
    public void Refresh(VideoFeatureTable videos)
    {
        _videos = Check(videos);
        _assemblers.Clear();
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or <paramref name="candidates"/> is null.</exception>
    public async ValueTask<float[]> ScoreAsync(CandidateRequest request, IReadOnlyList<MergedCandidate> candidates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(candidates);
        if (candidates.Count == 0)
        {
            return [];
        }

        var user = await _users(request, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return Score(user, candidates);
    }

    /// <summary>Scores <paramref name="candidates"/> for <paramref name="user"/> synchronously (the body of <see cref="ScoreAsync"/>).</summary>
    /// <returns>One finite score per candidate, <c>[candidates]</c>, higher is better.</returns>
    public float[] Score(ScoringUser user, IReadOnlyList<MergedCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(candidates);
        var n = candidates.Count;
        var scores = new float[n];
        if (n == 0)
        {
            return scores;
        }

        var videos = _videos;
        if (!_assemblers.TryTake(out var assembler) || !ReferenceEquals(assembler.Videos, videos))
        {
            assembler = new FeatureAssembler(videos);
        }

        var rows = ArrayPool<float>.Shared.Rent(n * assembler.Features);
        try
        {
            assembler.Assemble(user, candidates, rows);
            _scorer.Score(rows, n, scores);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rows);
            if (ReferenceEquals(_videos, videos))
            {
                _assemblers.Add(assembler);
            }
        }

        for (var i = 0; i < n; i++)
        {
            if (!float.IsFinite(scores[i]))
            {
                scores[i] = float.MinValue;
            }
        }

        return scores;
    }

    /// <summary>Releases the ONNX session.</summary>
    public void Dispose() => _scorer.Dispose();

    private VideoFeatureTable Check(VideoFeatureTable videos)
    {
        ArgumentNullException.ThrowIfNull(videos);
        if (videos.Layout.Fingerprint != _scorer.Features.Fingerprint)
        {
            throw new ArgumentException($"The video feature cache has layout {videos.Layout.Fingerprint}; the ranker reads {_scorer.Features.Fingerprint}.", nameof(videos));
        }

        return videos;
    }
}
