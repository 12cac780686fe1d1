using VideoRec.Core.Domain;
using VideoRec.Core.Features;
using VideoRec.TwoTower.Towers;

namespace VideoRec.TwoTower.Features;

/// <summary>What the user tower reads about one user at one moment.</summary>
/// <param name="UserId">The user's id, or <c>null</c> to force the out-of-vocabulary row (a new user).</param>
/// <param name="Profile">Demographics, when known.</param>
/// <param name="Time">The moment of the request (context: hour of day in the user's time zone, day of week).</param>
/// <param name="Device">Device kind of the request, when known.</param>
/// <param name="Watched">Watched video ids, oldest first; the most recent <see cref="FeatureSpec.HistoryLength"/> are used.</param>
/// <param name="Liked">Liked video ids, oldest first.</param>
/// <param name="Impressed">Shown but not clicked video ids, oldest first.</param>
/// <param name="SearchEmbedding">Mean of the last query embeddings, <c>[text dims]</c>, or <c>null</c> (zeros).</param>
public sealed record UserFeatures(string? UserId, UserProfile? Profile, DateTimeOffset? Time, string? Device,
    IReadOnlyList<string> Watched, IReadOnlyList<string> Liked, IReadOnlyList<string> Impressed, float[]? SearchEmbedding);

/// <summary>What the video tower reads about one video.</summary>
/// <param name="VideoId">The video's id, or <c>null</c> to force the out-of-vocabulary row (content only).</param>
/// <param name="Video">Catalogue entry, when known.</param>
/// <param name="TitleEmbedding">Title embedding, <c>[text dims]</c>, or <c>null</c> (zeros, the unknown vector).</param>
/// <param name="Views">Views so far (the feature store's statistics); <c>null</c> uses <see cref="Video.Views"/>.</param>
public sealed record VideoFeatures(string? VideoId, Video? Video, float[]? TitleEmbedding, long? Views = null);

/// <summary>
/// Encodes users and videos into tower inputs with one <see cref="FeatureSpec"/>; training and serving both call it,
/// so they cannot disagree. Unknown categories go to the out-of-vocabulary row 0; unknown videos in a history list are
/// left out (padding); missing numbers go to bucket 0; missing vectors are zeros; non-finite vector values are zeroed.
/// </summary>
/// <param name="spec">The feature specification.</param>
public sealed class TwoTowerEncoder(FeatureSpec spec)
{
    /// <summary>The specification encoded with.</summary>
    public FeatureSpec Spec { get; } = spec;

    /// <summary>Encodes <paramref name="users"/> into user tower inputs, <c>batch = users.Count</c>.</summary>
    /// <exception cref="ArgumentException">No users, or a search embedding of the wrong width.</exception>
    public TowerInputs Users(IReadOnlyList<UserFeatures> users)
    {
        if (users.Count == 0)
        {
            throw new ArgumentException("At least one user is needed.", nameof(users));
        }

        var n = users.Count;
        var ids = new long[n];
        var occupation = new long[n];
        var language = new long[n];
        var country = new long[n];
        var city = new long[n];
        var hour = new long[n];
        var day = new long[n];
        var device = new long[n];
        var ages = Spec.AgeYears.Count;
        var genders = Spec.Genders.Rows;
        var age = new float[n * ages];
        var gender = new float[n * genders];
        var search = new float[n * Spec.TextDimensions];
        var watched = new List<long>[n];
        var liked = new List<long>[n];
        var impressed = new List<long>[n];
        for (var i = 0; i < n; i++)
        {
            var user = users[i];
            var profile = user.Profile;
            ids[i] = Spec.UserIds.RowOf(user.UserId);
            occupation[i] = Spec.Occupations.RowOf(profile?.Occupation);
            language[i] = Spec.Languages.RowOf(profile?.Language);
            country[i] = Spec.Countries.RowOf(profile?.Country);
            city[i] = Spec.Cities.RowOf(profile?.City);
            (hour[i], day[i]) = Context(user.Time, profile?.TimeZone);
            device[i] = Spec.Devices.RowOf(user.Device);
            age[i * ages + Spec.AgeYears.Of(profile?.Age)] = 1;
            gender[i * genders + Spec.Genders.RowOf(profile?.Gender)] = 1;
            CopyVector(user.SearchEmbedding, search.AsSpan(i * Spec.TextDimensions, Spec.TextDimensions), "search embedding");
            watched[i] = History(user.Watched);
            liked[i] = History(user.Liked);
            impressed[i] = History(user.Impressed);
        }

        return new TowerInputs(n)
            .WithCategorical(TwoTowerLayouts.UserId, ids)
            .WithCategorical(TwoTowerLayouts.Occupation, occupation)
            .WithCategorical(TwoTowerLayouts.UserLanguage, language)
            .WithCategorical(TwoTowerLayouts.Country, country)
            .WithCategorical(TwoTowerLayouts.City, city)
            .WithCategorical(TwoTowerLayouts.HourOfDay, hour)
            .WithCategorical(TwoTowerLayouts.DayOfWeek, day)
            .WithCategorical(TwoTowerLayouts.Device, device)
            .WithBag(TwoTowerLayouts.Watched, watched)
            .WithBag(TwoTowerLayouts.Liked, liked)
            .WithBag(TwoTowerLayouts.Impressed, impressed)
            .WithDense(TwoTowerLayouts.AgeOneHot, age)
            .WithDense(TwoTowerLayouts.GenderOneHot, gender)
            .WithDense(TwoTowerLayouts.SearchEmbedding, search);
    }

    /// <summary>Encodes <paramref name="videos"/> into video tower inputs, <c>batch = videos.Count</c>.</summary>
    /// <exception cref="ArgumentException">No videos, or a title embedding of the wrong width.</exception>
    public TowerInputs Videos(IReadOnlyList<VideoFeatures> videos)
    {
        if (videos.Count == 0)
        {
            throw new ArgumentException("At least one video is needed.", nameof(videos));
        }

        var n = videos.Count;
        var ids = new long[n];
        var duration = new long[n];
        var language = new long[n];
        var uploadAge = new long[n];
        var views = new long[n];
        var tags = new List<long>[n];
        var titles = new float[n * Spec.TextDimensions];
        for (var i = 0; i < n; i++)
        {
            var video = videos[i].Video;
            ids[i] = Spec.VideoIds.RowOf(videos[i].VideoId);
            duration[i] = Spec.DurationSeconds.Of(video?.DurationSeconds);
            language[i] = Spec.Languages.RowOf(video?.Language);
            uploadAge[i] = Spec.UploadAgeDays.Of(video?.UploadedAt is { } uploaded ? (Spec.ReferenceTime - uploaded).TotalDays : null);
            views[i] = Spec.Views.Of(videos[i].Views ?? video?.Views);
            tags[i] = [.. (video?.Tags ?? []).Select(Spec.Tags.RowOf).Where(r => r != Vocabulary.OutOfVocabulary).Distinct().Take(Spec.MaxTags).Select(r => (long)r)];
            CopyVector(videos[i].TitleEmbedding, titles.AsSpan(i * Spec.TextDimensions, Spec.TextDimensions), "title embedding");
        }

        return new TowerInputs(n)
            .WithCategorical(TwoTowerLayouts.VideoId, ids)
            .WithCategorical(TwoTowerLayouts.Duration, duration)
            .WithCategorical(TwoTowerLayouts.VideoLanguage, language)
            .WithCategorical(TwoTowerLayouts.UploadAge, uploadAge)
            .WithCategorical(TwoTowerLayouts.Views, views)
            .WithBag(TwoTowerLayouts.Tags, tags)
            .WithDense(TwoTowerLayouts.TitleEmbedding, titles);
    }

    private List<long> History(IReadOnlyList<string> videoIds)
    {
        var rows = new List<long>(Math.Min(videoIds.Count, Spec.HistoryLength));
        for (var i = videoIds.Count - 1; i >= 0 && rows.Count < Spec.HistoryLength; i--)
        {
            var row = Spec.VideoIds.RowOf(videoIds[i]);
            if (row != Vocabulary.OutOfVocabulary)
            {
                rows.Add(row);
            }
        }

        return rows;
    }

    private (long Hour, long Day) Context(DateTimeOffset? time, string? timeZone)
    {
        if (time is not { } t)
        {
            return (Buckets.Missing, 0);
        }

        if (timeZone is not null && TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone))
        {
            t = TimeZoneInfo.ConvertTime(t, zone);
        }
        else
        {
            t = t.ToUniversalTime();
        }

        return (Spec.HourOfDay.Of(t.Hour), t.DayOfWeek == System.DayOfWeek.Sunday ? 7 : (int)t.DayOfWeek);
    }

    private void CopyVector(float[]? source, Span<float> destination, string what)
    {
        if (source is null)
        {
            return;
        }

        if (source.Length != Spec.TextDimensions)
        {
            throw new ArgumentException($"A {what} has {source.Length} values; the feature spec expects {Spec.TextDimensions}.");
        }

        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = float.IsFinite(source[i]) ? source[i] : 0f;
        }
    }
}
