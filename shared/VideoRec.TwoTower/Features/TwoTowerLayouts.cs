using VideoRec.Core.Features;
using VideoRec.TwoTower.Towers;

namespace VideoRec.TwoTower.Features;

/// <summary>
/// The architecture of both towers from a <see cref="FeatureSpec"/> (design, "Two-tower neural network"): every table
/// has the spec's vocabulary or bucket count as rows, so the spec and the layouts always agree.
/// </summary>
public static class TwoTowerLayouts
{
    /// <summary>User tower input: user id row, <c>[batch]</c>.</summary>
    public const string UserId = "user_id";
    /// <summary>User tower input: occupation row.</summary>
    public const string Occupation = "occupation";
    /// <summary>User tower input: the user's language row.</summary>
    public const string UserLanguage = "user_language";
    /// <summary>User tower input: country row.</summary>
    public const string Country = "country";
    /// <summary>User tower input: city row.</summary>
    public const string City = "city";
    /// <summary>User tower input (context): hour-of-day bucket.</summary>
    public const string HourOfDay = "hour_of_day";
    /// <summary>User tower input (context): day of week, 1 = Monday … 7 = Sunday, 0 unknown.</summary>
    public const string DayOfWeek = "day_of_week";
    /// <summary>User tower input (context): device row.</summary>
    public const string Device = "device";
    /// <summary>User tower bag: watched videos, <c>[batch, length]</c>, -1 padding.</summary>
    public const string Watched = "watched";
    /// <summary>User tower bag: liked videos.</summary>
    public const string Liked = "liked";
    /// <summary>User tower bag: impressed but not clicked videos.</summary>
    public const string Impressed = "impressed";
    /// <summary>User tower dense: age bucket one-hot, <c>[batch, age buckets]</c>.</summary>
    public const string AgeOneHot = "age_one_hot";
    /// <summary>User tower dense: gender one-hot, <c>[batch, genders + 1]</c> (slot 0 unknown).</summary>
    public const string GenderOneHot = "gender_one_hot";
    /// <summary>User tower dense: search-history embedding (mean of the last query embeddings), <c>[batch, text dims]</c>.</summary>
    public const string SearchEmbedding = "search_embedding";
    /// <summary>Video tower input: video id row.</summary>
    public const string VideoId = "video_id";
    /// <summary>Video tower input: duration bucket.</summary>
    public const string Duration = "duration";
    /// <summary>Video tower input: the video's language row.</summary>
    public const string VideoLanguage = "video_language";
    /// <summary>Video tower input: upload-age bucket.</summary>
    public const string UploadAge = "upload_age";
    /// <summary>Video tower input: view-count bucket (log scale).</summary>
    public const string Views = "views";
    /// <summary>Video tower bag: tag rows.</summary>
    public const string Tags = "tags";
    /// <summary>Video tower dense: title embedding, <c>[batch, text dims]</c>.</summary>
    public const string TitleEmbedding = "title_embedding";

    /// <summary>Table of the user tower's history bags: one row per video of the vocabulary.</summary>
    public const string HistoryTable = "history_video";

    /// <summary>The user tower: ids, demographics, context, history averages and the search embedding.</summary>
    public static TowerLayout User(FeatureSpec spec, TwoTowerDimensions dimensions)
    {
        var c = dimensions.Categorical;
        var layout = new TowerLayout
        {
            Name = TowerLayout.UserTower,
            Tables =
            [
                new(UserId, spec.UserIds.Rows, dimensions.Id),
                new(Occupation, spec.Occupations.Rows, c),
                new(UserLanguage, spec.Languages.Rows, c),
                new(Country, spec.Countries.Rows, c),
                new(City, spec.Cities.Rows, c),
                new(HourOfDay, spec.HourOfDay.Count, c),
                new(DayOfWeek, 8, c),
                new(Device, spec.Devices.Rows, c),
                new(HistoryTable, spec.VideoIds.Rows, dimensions.Id),
            ],
            Categoricals = [new(UserId, UserId), new(Occupation, Occupation), new(UserLanguage, UserLanguage), new(Country, Country), new(City, City), new(HourOfDay, HourOfDay), new(DayOfWeek, DayOfWeek), new(Device, Device)],
            Bags = [new(Watched, HistoryTable), new(Liked, HistoryTable), new(Impressed, HistoryTable)],
            Denses = [new(AgeOneHot, spec.AgeYears.Count), new(GenderOneHot, spec.Genders.Rows), new(SearchEmbedding, spec.TextDimensions)],
            Hidden = [.. dimensions.Hidden],
            OutputDimensions = dimensions.Output,
        };
        layout.Validate();
        return layout;
    }

    /// <summary>The video tower: id (out-of-vocabulary row for new videos), duration, language, upload age, view count, tags, title.</summary>
    public static TowerLayout Video(FeatureSpec spec, TwoTowerDimensions dimensions)
    {
        var c = dimensions.Categorical;
        var layout = new TowerLayout
        {
            Name = TowerLayout.VideoTower,
            Tables =
            [
                new(VideoId, spec.VideoIds.Rows, dimensions.Id),
                new(Duration, spec.DurationSeconds.Count, c),
                new(VideoLanguage, spec.Languages.Rows, c),
                new(UploadAge, spec.UploadAgeDays.Count, c),
                new(Views, spec.Views.Count, c),
                new(Tags, spec.Tags.Rows, dimensions.Tag),
            ],
            Categoricals = [new(VideoId, VideoId), new(Duration, Duration), new(VideoLanguage, VideoLanguage), new(UploadAge, UploadAge), new(Views, Views)],
            Bags = [new(Tags, Tags)],
            Denses = [new(TitleEmbedding, spec.TextDimensions)],
            Hidden = [.. dimensions.Hidden],
            OutputDimensions = dimensions.Output,
        };
        layout.Validate();
        return layout;
    }
}
