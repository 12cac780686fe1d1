using VideoRec.Core.Features;

namespace VideoRec.Core.Tests.Features;

public sealed class FeatureSpecTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vrec-spec-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static FeatureSpec Sample() => new()
    {
        TextModel = "all-MiniLM-L6-v2",
        TextDimensions = 384,
        ReferenceTime = new DateTimeOffset(1998, 4, 22, 23, 10, 38, TimeSpan.Zero),
        UserIds = new Vocabulary(["1", "2"]),
        VideoIds = new Vocabulary(["10", "20", "30"]),
        Genders = new Vocabulary(["M", "F"]),
        Occupations = new Vocabulary(["writer"]),
        Languages = new Vocabulary([]),
        Countries = new Vocabulary(["US"]),
        Cities = new Vocabulary([]),
        Devices = new Vocabulary([]),
        Tags = new Vocabulary(["Drama", "Comedy"]),
    };

    [Fact]
    public void Unknown_and_missing_categories_take_the_reserved_row_zero_and_known_ones_start_at_one()
    {
        var genders = new Vocabulary(["M", "F"]);

        Assert.Equal(3, genders.Rows);
        Assert.Equal(1, genders.RowOf("M"));
        Assert.Equal(2, genders.RowOf("F"));
        Assert.Equal(Vocabulary.OutOfVocabulary, genders.RowOf("X"));
        Assert.Equal(Vocabulary.OutOfVocabulary, genders.RowOf(null));
        Assert.Equal(Vocabulary.OutOfVocabulary, genders.RowOf("m"));
    }

    [Fact]
    public void A_built_vocabulary_orders_by_count_then_ordinally_and_drops_rare_and_empty_values()
    {
        string?[] observed = ["b", "a", "c", "a", "b", null, "", "d", "d", "a"];

        var vocabulary = Vocabulary.Build(observed, minCount: 2);
        var shuffled = Vocabulary.Build(observed.Reverse(), minCount: 2);

        Assert.Equal(["a", "b", "d"], vocabulary.Values);
        Assert.Equal(vocabulary.Values, shuffled.Values);
        Assert.Equal(["a", "b"], Vocabulary.Build(observed, minCount: 2, maxSize: 2).Values);
        Assert.Throws<ArgumentException>(() => new Vocabulary(["a", "a"]));
    }

    [Theory]
    [InlineData(null, 0)]
    [InlineData(double.NaN, 0)]
    [InlineData(17.0, 1)]
    [InlineData(18.0, 2)]
    [InlineData(24.9, 2)]
    [InlineData(25.0, 3)]
    [InlineData(56.0, 7)]
    [InlineData(99.0, 7)]
    public void Ages_fall_in_the_movielens_groups_with_a_missing_bucket(double? age, int bucket)
    {
        var spec = Sample();
        Assert.Equal(8, spec.AgeYears.Count);
        Assert.Equal(bucket, spec.AgeYears.Of(age));
    }

    [Fact]
    public void A_saved_spec_loads_with_the_same_encoding_and_fingerprint()
    {
        var spec = Sample();
        var path = Path.Combine(_folder, "features.json");

        spec.Save(path);
        var loaded = FeatureSpec.Load(path);

        Assert.Equal(spec.Fingerprint, loaded.Fingerprint);
        Assert.Equal(16, spec.Fingerprint.Length);
        Assert.Equal(spec.VideoIds.Values, loaded.VideoIds.Values);
        Assert.Equal(spec.ReferenceTime, loaded.ReferenceTime);
        Assert.Equal(spec.UploadAgeDays.Boundaries, loaded.UploadAgeDays.Boundaries);
        Assert.Equal(2, loaded.VideoIds.RowOf("20"));
        Assert.NotEqual(spec.Fingerprint, (spec with { HistoryLength = 20 }).Fingerprint);
    }

    [Fact]
    public void Loading_a_spec_of_another_version_or_with_bad_boundaries_names_the_file_and_field()
    {
        var path = Path.Combine(_folder, "features.json");
        (Sample() with { Version = 2 }).Save(path);
        var version = Assert.Throws<InvalidDataException>(() => FeatureSpec.Load(path));
        Assert.Contains("features.json: version", version.Message, StringComparison.Ordinal);

        (Sample() with { HourOfDay = new Buckets([4, 4]) }).Save(path);
        var buckets = Assert.Throws<InvalidDataException>(() => FeatureSpec.Load(path));
        Assert.Contains("hourOfDay", buckets.Message, StringComparison.Ordinal);

        File.WriteAllText(path, "{ not json");
        Assert.Throws<InvalidDataException>(() => FeatureSpec.Load(path));
    }
}
