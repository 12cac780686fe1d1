using VideoRec.Core.CandidateGeneration.Index;

namespace VideoRec.Core.CandidateGeneration.Generators;

/// <summary>
/// Item-to-item retrieval: the nearest neighbours of the user's last watched videos (design, "Candidate generation":
/// videos similar to what the user just watched). Each of the newest <see cref="CandidateGenerationOptions.SimilarSeeds"/>
/// watches queries the index with its own vector; a video's score is Σᵢ decayⁱ · similarity(seedᵢ, video) over the
/// seeds that found it (i = 0 for the newest), so videos close to several recent watches, and to the latest, rank
/// first. The seeds themselves are never proposed, not even when another seed's search finds them. Uses a cosine
/// index of video vectors (two-tower embeddings, or WALS factors normalised).
/// </summary>
/// <param name="index">The video index (cosine, or inner product over unit vectors).</param>
/// <param name="vectors">The seed videos' vectors, in the index's space.</param>
/// <param name="options">Seeds, neighbours per seed, recency decay.</param>
/// <param name="cache">
/// Serving's shortcut: each seed's neighbours come from this cache (searched once, unfiltered) and the request's filter
/// is applied to them afterwards with <paramref name="attributes"/>; a seed then contributes fewer than its share when
/// most of its cached neighbours fail the filter. <c>null</c> (the default, and offline evaluation) searches every seed
/// with the filter inside the search.
/// </param>
/// <param name="attributes">The filter attributes of a video by id (required with <paramref name="cache"/>); <c>null</c> when unknown (the video is skipped).</param>
public sealed class SimilarToRecentCandidateGenerator(IVideoVectorIndex index, VideoVectorTable vectors, CandidateGenerationOptions options,
    NeighbourCache? cache = null, Func<string, VideoIndexAttributes?>? attributes = null)
    : ICandidateGenerator
{
    /// <inheritdoc />
    public string Name => CandidateSources.Similar;

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<Candidate>> GenerateAsync(CandidateRequest request, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var filter = request.Filter();
        var scores = new Dictionary<string, float>(StringComparer.Ordinal);
        var weight = 1.0;
        var seeds = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var seed in request.RecentWatches)
        {
            if (seeds == options.SimilarSeeds)
            {
                break;
            }

            if (string.IsNullOrEmpty(seed) || !seen.Add(seed) || vectors.Find(seed) is not { } vector)
            {
                continue;
            }

            var perSeed = Math.Max(options.SimilarPerSeed, (count + options.SimilarSeeds - 1) / options.SimilarSeeds);
            if (cache is not null && attributes is not null)
            {
                var taken = 0;
                foreach (var match in await cache.GetAsync(seed, vector, cancellationToken).ConfigureAwait(false))
                {
                    if (taken == perSeed)
                    {
                        break;
                    }

                    if (attributes(match.VideoId) is { } a && filter.Matches(match.VideoId, a))
                    {
                        scores[match.VideoId] = scores.GetValueOrDefault(match.VideoId) + (float)(weight * match.Score);
                        taken++;
                    }
                }
            }
            else
            {
                foreach (var match in await index.SearchAsync(vector, perSeed, filter, cancellationToken).ConfigureAwait(false))
                {
                    scores[match.VideoId] = scores.GetValueOrDefault(match.VideoId) + (float)(weight * match.Score);
                }
            }

            weight *= options.SimilarRecencyDecay;
            seeds++;
        }

        // Every seed is a video just watched: drop it wherever it was found (a seed's own search finds it first, and
        // the other seeds' searches find it too when it is close to them).
        return scores
            .Where(s => !seen.Contains(s.Key))
            .OrderByDescending(s => s.Value)
            .ThenBy(s => s.Key, StringComparer.Ordinal)
            .Take(count)
            .Select(s => new Candidate(s.Key, s.Value, Name))
            .ToArray();
    }
}
