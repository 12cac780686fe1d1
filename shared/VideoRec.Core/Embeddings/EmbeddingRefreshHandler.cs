using Microsoft.Extensions.AI;
using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;

namespace VideoRec.Core.Embeddings;

/// <summary>
/// The embedding refresh handler behind the queue trigger (ARCHITECTURE, "Ingest": triggers refresh text embeddings
/// for titles and queries). For a video it embeds each text field whose (model, text) hash differs from the stored
/// one; for a user it averages the embeddings of their last <see cref="EmbeddingOptions.SearchHistoryLength"/> search
/// queries (design, "User features"), embedding only queries missing from the query cache. Every step is an upsert
/// keyed by content, so a redelivered or duplicated request changes nothing.
/// </summary>
public sealed class EmbeddingRefreshHandler
{
    private readonly IFeatureStore _features;
    private readonly IEmbeddingStore _store;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _generator;
    private readonly EmbeddingOptions _options;

    /// <summary>Creates the handler.</summary>
    /// <param name="features">The catalogue and the user aggregates (search history).</param>
    /// <param name="store">Where embeddings are kept.</param>
    /// <param name="generator">The sentence encoder; its metadata must give the model id and the dimensions.</param>
    /// <param name="options">Refresh settings; <c>null</c> for the defaults.</param>
    /// <exception cref="ArgumentException">The generator does not report its model id and dimensions.</exception>
    public EmbeddingRefreshHandler(IFeatureStore features, IEmbeddingStore store, IEmbeddingGenerator<string, Embedding<float>> generator, EmbeddingOptions? options = null)
    {
        _features = features ?? throw new ArgumentNullException(nameof(features));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _generator = generator ?? throw new ArgumentNullException(nameof(generator));
        _options = (options ?? new EmbeddingOptions()).Validate();
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        ModelId = metadata?.DefaultModelId ?? throw new ArgumentException("The embedding generator must report its model id (EmbeddingGeneratorMetadata.DefaultModelId).", nameof(generator));
        Dimensions = metadata.DefaultModelDimensions is { } d && d > 0 ? d : throw new ArgumentException("The embedding generator must report its dimensions (EmbeddingGeneratorMetadata.DefaultModelDimensions).", nameof(generator));
    }

    /// <summary>The embedding model's id, part of every text hash.</summary>
    public string ModelId { get; }

    /// <summary>Length of every embedding.</summary>
    public int Dimensions { get; }

    /// <summary>Handles one refresh message.</summary>
    /// <exception cref="StoreUnavailableException">A store is unavailable: retry the message later.</exception>
    /// <exception cref="InvalidOperationException">The generator returned vectors of the wrong count, length or with non-finite values.</exception>
    public async Task<EmbeddingRefreshResult> HandleAsync(EmbeddingRefreshRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var videos = new List<Video>(request.VideoIds.Count);
        var missing = 0;
        foreach (var id in request.VideoIds.Distinct(StringComparer.Ordinal))
        {
            if (await _features.GetVideoAsync(id, cancellationToken) is { } video)
            {
                videos.Add(video);
            }
            else
            {
                missing++;
            }
        }

        var result = new EmbeddingRefreshResult(VideosMissing: missing);
        if (videos.Count > 0)
        {
            result += await RefreshVideosAsync(videos, null, cancellationToken);
        }

        if (request.UserIds.Count > 0)
        {
            result += await RefreshUsersAsync(request.UserIds, cancellationToken);
        }

        return result;
    }

    /// <summary>
    /// Embeds the text fields of <paramref name="videos"/> whose text changed since they were stored (the bulk path:
    /// a catalogue import, a model change, a reconciliation sweep).
    /// </summary>
    /// <param name="videos">Catalogue entries.</param>
    /// <param name="progress">Receives the number of videos done so far.</param>
    /// <param name="cancellationToken">Cancels between chunks.</param>
    public async Task<EmbeddingRefreshResult> RefreshVideosAsync(IReadOnlyList<Video> videos, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(videos);
        var result = new EmbeddingRefreshResult();
        for (var start = 0; start < videos.Count; start += _options.StoreBatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var chunk = videos.Skip(start).Take(_options.StoreBatchSize).DistinctBy(v => v.Id, StringComparer.Ordinal).ToList();
            var stored = await _store.GetVideoTextHashesAsync(chunk.Select(v => v.Id).ToList(), cancellationToken);
            var work = new List<(Video Video, VideoTextField Field, string Text, string Hash)>();
            var unchanged = 0;
            foreach (var video in chunk)
            {
                foreach (var field in _options.VideoFields)
                {
                    var text = EmbeddingText.Of(video, field);
                    var hash = EmbeddingText.Hash(ModelId, text);
                    if (stored.TryGetValue((video.Id, field), out var existing) && existing == hash)
                    {
                        unchanged++;
                    }
                    else
                    {
                        work.Add((video, field, text, hash));
                    }
                }
            }

            var vectors = await EmbedDistinctAsync(work.Select(w => w.Text), cancellationToken);
            if (work.Count > 0)
            {
                await _store.UpsertVideoEmbeddingsAsync(
                    work.Select(w => new VideoTextEmbedding(w.Video.Id, w.Field, ModelId, w.Hash, vectors[w.Text])).ToList(), cancellationToken);
            }

            result += new EmbeddingRefreshResult(TextsEmbedded: work.Count, TextsUnchanged: unchanged);
            progress?.Report(Math.Min(videos.Count, start + _options.StoreBatchSize));
        }

        return result;
    }

    /// <summary>Recomputes the search-history embeddings of <paramref name="userIds"/> from their aggregates.</summary>
    public async Task<EmbeddingRefreshResult> RefreshUsersAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        var plans = new List<(string UserId, string[] Keys, string Hash, DateTimeOffset AsOf)>();
        var queryByKey = new Dictionary<string, string>(StringComparer.Ordinal);
        var cleared = 0;
        var unchangedUsers = 0;
        foreach (var userId in userIds.Distinct(StringComparer.Ordinal))
        {
            var aggregates = await _features.GetUserAggregatesAsync(userId, cancellationToken);
            var recent = (aggregates?.Searches ?? [])
                .Where(s => s.Query is not null)
                .Select(s => (s.At, Query: EmbeddingText.NormalizeQuery(s.Query!)))
                .Where(s => s.Query.Length > 0)
                .Take(_options.SearchHistoryLength)
                .ToList();
            if (recent.Count == 0)
            {
                await _store.DeleteUserSearchEmbeddingAsync(userId, cancellationToken);
                cleared++;
                continue;
            }

            var hash = EmbeddingText.Hash(ModelId, string.Join('\u001e', recent.Select(r => r.Query)));
            if ((await _store.GetUserSearchEmbeddingAsync(userId, cancellationToken))?.QueriesHash == hash)
            {
                unchangedUsers++;
                continue;
            }

            var keys = new string[recent.Count];
            for (var i = 0; i < recent.Count; i++)
            {
                keys[i] = EmbeddingText.Hash(ModelId, recent[i].Query);
                queryByKey[keys[i]] = recent[i].Query;
            }

            plans.Add((userId, keys, hash, recent.Max(r => r.At)));
        }

        var cached = queryByKey.Count == 0
            ? new Dictionary<string, float[]>()
            : new Dictionary<string, float[]>(await _store.GetQueryEmbeddingsAsync(queryByKey.Keys.ToList(), cancellationToken), StringComparer.Ordinal);
        var hits = queryByKey.Keys.Count(cached.ContainsKey);
        var misses = queryByKey.Where(kv => !cached.ContainsKey(kv.Key)).ToList();
        if (misses.Count > 0)
        {
            var vectors = await EmbedDistinctAsync(misses.Select(m => m.Value), cancellationToken);
            var fresh = misses.ToDictionary(m => m.Key, m => vectors[m.Value], StringComparer.Ordinal);
            await _store.PutQueryEmbeddingsAsync(fresh, cancellationToken);
            foreach (var (key, vector) in fresh)
            {
                cached[key] = vector;
            }
        }

        foreach (var plan in plans)
        {
            var mean = SearchHistory.Average(plan.Keys.Select(k => cached[k]).ToList(), Dimensions);
            await _store.PutUserSearchEmbeddingAsync(new UserSearchEmbedding(plan.UserId, ModelId, mean, plan.Keys.Length, plan.Hash, plan.AsOf), cancellationToken);
            // A deletion that ran while this user was being refreshed must win: do not leave a vector behind it.
            if (await _features.GetUserAggregatesAsync(plan.UserId, cancellationToken) is null)
            {
                await _store.DeleteUserSearchEmbeddingAsync(plan.UserId, cancellationToken);
            }
        }

        return new EmbeddingRefreshResult(UsersUpdated: plans.Count, UsersUnchanged: unchangedUsers, UsersCleared: cleared, QueriesEmbedded: misses.Count, QueryCacheHits: hits);
    }

    /// <summary>Embeds each distinct text once, in generator batches; empty text gets the zero vector without a model call.</summary>
    private async Task<Dictionary<string, float[]>> EmbedDistinctAsync(IEnumerable<string> texts, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var pending = new List<string>();
        foreach (var text in texts)
        {
            if (result.ContainsKey(text))
            {
                continue;
            }

            if (string.IsNullOrWhiteSpace(text))
            {
                result[text] = new float[Dimensions];
                continue;
            }

            result[text] = null!;
            pending.Add(text);
        }

        for (var start = 0; start < pending.Count; start += _options.GeneratorBatchSize)
        {
            var batch = pending.GetRange(start, Math.Min(_options.GeneratorBatchSize, pending.Count - start));
            var embeddings = await _generator.GenerateAsync(batch, cancellationToken: cancellationToken);
            if (embeddings.Count != batch.Count)
            {
                throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} vectors for {batch.Count} texts.");
            }

            for (var i = 0; i < batch.Count; i++)
            {
                result[batch[i]] = Check(embeddings[i].Vector);
            }
        }

        return result;
    }

    private float[] Check(ReadOnlyMemory<float> vector)
    {
        if (vector.Length != Dimensions)
        {
            throw new InvalidOperationException($"The embedding generator returned a vector of {vector.Length} values; {ModelId} has {Dimensions}.");
        }

        var array = vector.ToArray();
        if (!array.All(float.IsFinite))
        {
            throw new InvalidOperationException("The embedding generator returned a non-finite value.");
        }

        return array;
    }
}
