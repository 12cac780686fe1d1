using VideoRec.Core.Domain;
using VideoRec.Import;

namespace VideoRec.Core.Tests.Import;

public sealed class RatingConversionTests
{
    private static readonly DateTimeOffset When = new(2020, 5, 17, 8, 30, 0, TimeSpan.Zero);

    private static List<Interaction> Convert(RatingConversion conversion, double rating)
    {
        var events = new List<Interaction>();
        conversion.AddEvents(events, "u1", "v9", rating, When);
        return events;
    }

    [Fact]
    public void Defaults_are_like_at_4_dislike_at_2_on_a_half_to_five_scale()
    {
        var d = RatingConversion.Default;

        Assert.Equal(4, d.LikeAtOrAbove);
        Assert.Equal(2, d.DislikeAtOrBelow);
        Assert.Equal(0.5, d.MinRating);
        Assert.Equal(5, d.MaxRating);
        Assert.Same(RatingConversion.Default, RatingConversion.Default);
        Assert.Equal(new RatingConversion(), d);
    }

    [Theory]
    [InlineData(5.0, InteractionType.Like)]
    [InlineData(4.5, InteractionType.Like)]
    [InlineData(4.0, InteractionType.Like)]
    [InlineData(3.99, null)]
    [InlineData(3.5, null)]
    [InlineData(3.0, null)]
    [InlineData(2.5, null)]
    [InlineData(2.01, null)]
    [InlineData(2.0, InteractionType.Dislike)]
    [InlineData(1.0, InteractionType.Dislike)]
    [InlineData(0.5, InteractionType.Dislike)]
    public void Every_rating_is_a_complete_watch_and_the_thresholds_add_a_like_or_a_dislike(double rating, InteractionType? extra)
    {
        var events = Convert(RatingConversion.Default, rating);

        var watch = new Interaction("u1", "v9", InteractionType.Watch, When);
        Interaction[] expected = extra is null ? [watch] : [watch, new Interaction("u1", "v9", extra.Value, When)];
        Assert.Equal(expected, events);
        Assert.All(events, e =>
        {
            Assert.Null(e.Value);
            Assert.Null(e.Text);
            Assert.Null(e.Location);
            Assert.Null(e.Device);
            Assert.Null(e.EventId);
        });
    }

    [Theory]
    [InlineData(5.0, InteractionType.Like)]
    [InlineData(4.5, null)]
    [InlineData(4.0, null)]
    [InlineData(2.0, null)]
    [InlineData(1.5, null)]
    [InlineData(1.0, InteractionType.Dislike)]
    [InlineData(0.5, InteractionType.Dislike)]
    public void Thresholds_are_configurable(double rating, InteractionType? extra)
    {
        var strict = RatingConversion.Default with { LikeAtOrAbove = 5, DislikeAtOrBelow = 1 };

        var types = Convert(strict, rating).Select(e => e.Type);

        Assert.Equal(extra is null ? [InteractionType.Watch] : [InteractionType.Watch, extra.Value], types);
        // The default instance is untouched by 'with'.
        Assert.Equal(4, RatingConversion.Default.LikeAtOrAbove);
    }

    [Fact]
    public void Events_are_appended_after_what_the_list_holds()
    {
        var first = new Interaction("u0", "v0", InteractionType.Click, When);
        var events = new List<Interaction> { first };

        RatingConversion.Default.AddEvents(events, "u1", "v1", 4, When);
        RatingConversion.Default.AddEvents(events, "u2", "v2", 3, When.AddSeconds(1));

        Assert.Equal(
            [
                first,
                new Interaction("u1", "v1", InteractionType.Watch, When),
                new Interaction("u1", "v1", InteractionType.Like, When),
                new Interaction("u2", "v2", InteractionType.Watch, When.AddSeconds(1)),
            ],
            events);
    }
}
