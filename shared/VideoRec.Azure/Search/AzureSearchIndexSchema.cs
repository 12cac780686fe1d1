using Azure.Search.Documents.Indexes.Models;
using VideoRec.Core.CandidateGeneration.Index;

namespace VideoRec.Azure.Search;

/// <summary>
/// The Azure AI Search index behind <see cref="AzureSearchVectorIndex"/>, built from code: one document per video with
/// its encoded key, original id, vector (HNSW profile with the options' metric and parameters) and the filterable
/// attributes <see cref="AzureSearchFilter"/> tests.
/// </summary>
public static class AzureSearchIndexSchema
{
    /// <summary>Key field: <see cref="AzureSearchKeys.Encode"/> of the video id. Filterable (excluded ids) and retrievable.</summary>
    public const string Key = "id";

    /// <summary>The original video id, retrievable and filterable.</summary>
    public const string VideoId = "videoId";

    /// <summary>The embedding, <c>Collection(Edm.Single)</c>; retrievable only under inner product, where scores are recomputed from it.</summary>
    public const string Vector = "vector";

    /// <summary>Language folded by <see cref="AzureSearchFilter.Fold"/>; null when unknown.</summary>
    public const string Language = "language";

    /// <summary>Allowed countries folded by <see cref="AzureSearchFilter.Fold"/>; empty means everywhere.</summary>
    public const string Regions = "regions";

    /// <summary>Whether the region list is empty (allowed everywhere), so a country filter needs no empty-collection test.</summary>
    public const string AllowedEverywhere = "allowedEverywhere";

    /// <summary>Hidden or deleted.</summary>
    public const string Hidden = "hidden";

    /// <summary>Upload time, UTC, to the millisecond (for people and sorting); null when unknown.</summary>
    public const string UploadedAt = "uploadedAt";

    /// <summary>Upload time as exact UTC ticks (<c>Edm.Int64</c>), what upload-window filters compare; null when unknown.</summary>
    public const string UploadedAtTicks = "uploadedAtTicks";

    /// <summary>Name of the HNSW algorithm configuration.</summary>
    public const string AlgorithmName = "videorec-hnsw";

    /// <summary>Name of the vector search profile of <see cref="Vector"/>.</summary>
    public const string ProfileName = "videorec-vector-profile";

    /// <summary>The service's metric for a <see cref="VectorMetric"/>: cosine, or dotProduct for inner product.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An undefined metric.</exception>
    public static VectorSearchAlgorithmMetric ToServiceMetric(VectorMetric metric) => metric switch
    {
        VectorMetric.Cosine => VectorSearchAlgorithmMetric.Cosine,
        VectorMetric.InnerProduct => VectorSearchAlgorithmMetric.DotProduct,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown vector metric."),
    };

    /// <summary>The index definition for <paramref name="options"/>.</summary>
    /// <param name="options">Index name, dimensions, metric and HNSW parameters.</param>
    /// <exception cref="ArgumentException">A setting is missing or out of range.</exception>
    public static SearchIndex Build(AzureSearchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var fields = new List<SearchField>
        {
            new SimpleField(Key, SearchFieldDataType.String) { IsKey = true, IsFilterable = true },
            new SimpleField(VideoId, SearchFieldDataType.String) { IsFilterable = true },
            new VectorSearchField(Vector, options.Dimensions, ProfileName) { IsHidden = options.Metric != VectorMetric.InnerProduct },
            new SimpleField(Language, SearchFieldDataType.String) { IsFilterable = true },
            new SimpleField(Regions, SearchFieldDataType.Collection(SearchFieldDataType.String)) { IsFilterable = true },
            new SimpleField(AllowedEverywhere, SearchFieldDataType.Boolean) { IsFilterable = true },
            new SimpleField(Hidden, SearchFieldDataType.Boolean) { IsFilterable = true },
            new SimpleField(UploadedAt, SearchFieldDataType.DateTimeOffset) { IsFilterable = true, IsSortable = true },
            new SimpleField(UploadedAtTicks, SearchFieldDataType.Int64) { IsFilterable = true },
        };
        return new SearchIndex(options.IndexName, fields)
        {
            VectorSearch = new VectorSearch
            {
                Algorithms =
                {
                    new HnswAlgorithmConfiguration(AlgorithmName)
                    {
                        Parameters = new HnswParameters
                        {
                            M = options.HnswM,
                            EfConstruction = options.HnswEfConstruction,
                            EfSearch = options.HnswEfSearch,
                            Metric = ToServiceMetric(options.Metric),
                        },
                    },
                },
                Profiles = { new VectorSearchProfile(ProfileName, AlgorithmName) },
            },
        };
    }
}
