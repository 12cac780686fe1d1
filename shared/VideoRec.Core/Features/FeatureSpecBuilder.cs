using VideoRec.Core.Domain;
using VideoRec.Core.Feedback;

namespace VideoRec.Core.Features;

/// <summary>Builds a <see cref="FeatureSpec"/> from a catalogue, profiles and the training pairs.</summary>
public static class FeatureSpecBuilder
{
    /// <summary>
    /// Vocabularies come from what training sees: user and video ids from the training pairs only (so held-out users and
    /// videos are out of vocabulary, as new ones will be in production), categories from the profiles and catalogue
    /// (tags used on at least <paramref name="minTagCount"/> videos), devices from the interaction log.
    /// </summary>
    /// <param name="dataset">Catalogue, profiles and log.</param>
    /// <param name="table">The pair table whose indices <paramref name="train"/> uses.</param>
    /// <param name="train">Training pairs.</param>
    /// <param name="textModel">The sentence encoder's id.</param>
    /// <param name="textDimensions">Its width.</param>
    /// <param name="minTagCount">Minimum videos per tag. Default 2.</param>
    public static FeatureSpec Build(Dataset dataset, PairTable table, IReadOnlyCollection<PairRecord> train, string textModel, int textDimensions, int minTagCount = 2)
    {
        var profiles = dataset.Users.Values;
        var reference = train.Count == 0 ? DateTimeOffset.UnixEpoch : train.Max(p => p.Feedback.Last);
        return new FeatureSpec
        {
            TextModel = textModel,
            TextDimensions = textDimensions,
            ReferenceTime = reference,
            UserIds = Vocabulary.Build(train.Select(p => p.User).Distinct().Order().Select(u => table.Users[u])),
            VideoIds = Vocabulary.Build(train.Select(p => p.Video).Distinct().Order().Select(v => table.Videos[v])),
            Genders = Vocabulary.Build(profiles.Select(p => p.Gender)),
            Occupations = Vocabulary.Build(profiles.Select(p => p.Occupation)),
            Languages = Vocabulary.Build(profiles.Select(p => p.Language).Concat(dataset.Videos.Values.Select(v => v.Language))),
            Countries = Vocabulary.Build(profiles.Select(p => p.Country)),
            Cities = Vocabulary.Build(profiles.Select(p => p.City)),
            Devices = Vocabulary.Build(dataset.Interactions.Select(i => i.Device)),
            Tags = Vocabulary.Build(dataset.Videos.Values.SelectMany(v => v.Tags.Distinct(StringComparer.Ordinal)), minTagCount),
        };
    }
}
