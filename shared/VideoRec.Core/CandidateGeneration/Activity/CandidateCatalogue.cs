using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Domain;
using VideoRec.Core.Matrix;

namespace VideoRec.Core.CandidateGeneration.Activity;

/// <summary>
/// The videos the non-vector generators (popular, trending, fresh) may propose, with the attributes their filters
/// test. Indexed like the activity snapshot's arrays.
/// </summary>
public sealed class CandidateCatalogue
{
    private readonly VideoIndexAttributes[] _attributes;

    /// <summary>A catalogue of <paramref name="videoIds"/> with their attributes, aligned by index.</summary>
    /// <exception cref="ArgumentException">The two lists differ in length.</exception>
    public CandidateCatalogue(IdIndex videoIds, IReadOnlyList<VideoIndexAttributes> attributes)
    {
        ArgumentNullException.ThrowIfNull(videoIds);
        ArgumentNullException.ThrowIfNull(attributes);
        if (attributes.Count != videoIds.Count)
        {
            throw new ArgumentException($"{videoIds.Count} videos but {attributes.Count} attribute sets.", nameof(attributes));
        }

        VideoIds = videoIds;
        _attributes = [.. attributes];
    }

    /// <summary>The videos by index.</summary>
    public IdIndex VideoIds { get; }

    /// <summary>Number of videos.</summary>
    public int Count => VideoIds.Count;

    /// <summary>The attributes of video <paramref name="index"/>.</summary>
    public VideoIndexAttributes Attributes(int index) => _attributes[index];

    /// <summary>Whether video <paramref name="index"/> passes <paramref name="filter"/>.</summary>
    public bool Matches(int index, VectorSearchFilter filter) => filter.Matches(VideoIds[index], _attributes[index]);

    /// <summary>The catalogue of a dataset's videos (every video, in <paramref name="order"/> when given).</summary>
    /// <param name="videos">Videos by id.</param>
    /// <param name="order">The index order to use (such as a model's video index); videos missing from <paramref name="videos"/> get unrestricted attributes.</param>
    public static CandidateCatalogue From(IReadOnlyDictionary<string, Video> videos, IdIndex? order = null)
    {
        ArgumentNullException.ThrowIfNull(videos);
        order ??= new IdIndex(videos.Keys.Order(StringComparer.Ordinal));
        var attributes = new VideoIndexAttributes[order.Count];
        for (var i = 0; i < order.Count; i++)
        {
            attributes[i] = videos.TryGetValue(order[i], out var video) ? VideoIndexAttributes.From(video) : VideoIndexAttributes.Unrestricted;
        }

        return new CandidateCatalogue(order, attributes);
    }
}
