using System.Text.Json;
using System.Text.Json.Nodes;
using VideoRec.Azure.Search;
using VideoRec.Core.CandidateGeneration.Index;

namespace VideoRec.Azure.Tests.Search;

/// <summary>
/// The OData filter selects exactly what <see cref="VectorSearchFilter.Matches"/> passes: random filters and videos
/// (tricky ids, languages and regions in any case, upload times a tick either side of the window, unknown values) are
/// evaluated both ways, the filter against the document the adapter uploads.
/// </summary>
public sealed class AzureSearchFilterSemanticsTests
{
    private static readonly DateTimeOffset T0 = new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(1234);

    private static readonly string[] Ids = ["v1", "v2", "it's", "a,b", "x|y", "🎬 ünï", "sp ace", "''", "v1 "];
    private static readonly string?[] Languages = [null, "en", "EN", "pt-br", "PT-BR", "o'k", "ß"];
    private static readonly string[] Regions = ["US", "us", "CA", "GB", "ß", "x'y"];

    private static DateTimeOffset? Time(Random r) => r.Next(6) switch
    {
        0 => null,
        1 => T0,
        2 => T0.AddTicks(-1),
        3 => T0.AddTicks(1),
        4 => T0.ToOffset(TimeSpan.FromHours(5)), // the same instant in another offset
        _ => T0.AddDays(r.Next(-3, 4)),
    };

    private static VideoIndexAttributes Attributes(Random r) => new()
    {
        Language = Languages[r.Next(Languages.Length)],
        AllowedRegions = Enumerable.Range(0, r.Next(3)).Select(_ => Regions[r.Next(Regions.Length)]).ToArray(),
        Hidden = r.Next(4) == 0,
        UploadedAt = Time(r),
    };

    private static VectorSearchFilter Filter(Random r) => new()
    {
        Language = r.Next(2) == 0 ? null : Languages[r.Next(1, Languages.Length)],
        Country = r.Next(2) == 0 ? null : Regions[r.Next(Regions.Length)],
        IncludeHidden = r.Next(2) == 0,
        UploadedFrom = r.Next(3) == 0 ? Time(r) : null,
        UploadedBefore = r.Next(3) == 0 ? Time(r) : null,
        ExcludedVideoIds = r.Next(2) == 0 ? null : Ids.Where(_ => r.Next(3) == 0).ToHashSet(),
    };

    private static JsonObject Document(string id, VideoIndexAttributes attributes) =>
        JsonSerializer.SerializeToNode(AzureSearchDocument.From(new IndexedVideo(id, new float[] { 1, 2 }, attributes)))!.AsObject();

    [Fact]
    public void RandomFiltersAndVideos_AgreeWithMatches()
    {
        var random = new Random(20260601);
        var videos = Enumerable.Range(0, 300).Select(i => (Id: Ids[i % Ids.Length], Attributes: Attributes(random))).ToArray();
        var docs = videos.Select(v => Document(v.Id, v.Attributes)).ToArray();
        var (passed, failed) = (0, 0);
        for (var f = 0; f < 300; f++)
        {
            var filter = Filter(random);
            var odata = AzureSearchFilter.Build(filter);
            for (var v = 0; v < videos.Length; v++)
            {
                var expected = filter.Matches(videos[v].Id, videos[v].Attributes);
                Assert.True(expected == ODataFilterEvaluator.Matches(odata, docs[v]),
                    $"filter {odata} on {docs[v].ToJsonString()}: Matches says {expected}");
                _ = expected ? passed++ : failed++;
            }
        }

        // Both outcomes are well represented, so the agreement means something.
        Assert.True(passed > 10_000 && failed > 10_000, $"{passed} passed, {failed} failed");
    }

    [Theory]
    [InlineData("en", "EN", true)]
    [InlineData("EN", "en", true)]
    [InlineData("en", "fr", false)]
    [InlineData("fr", null, true)]
    public void Language_IsCaseInsensitive_AndUnknownMatches(string wanted, string? stored, bool matches)
    {
        var attributes = new VideoIndexAttributes { Language = stored };
        var filter = new VectorSearchFilter { Language = wanted };

        Assert.Equal(matches, filter.Matches("v", attributes));
        Assert.Equal(matches, ODataFilterEvaluator.Matches(AzureSearchFilter.Build(filter), Document("v", attributes)));
    }

    [Fact]
    public void UploadWindow_IsExactToTheTick_AndUnknownTimesFail()
    {
        var filter = new VectorSearchFilter { UploadedFrom = T0, UploadedBefore = T0.AddTicks(2) };
        var odata = AzureSearchFilter.Build(filter);

        Assert.False(ODataFilterEvaluator.Matches(odata, Document("v", new VideoIndexAttributes { UploadedAt = T0.AddTicks(-1) })));
        Assert.True(ODataFilterEvaluator.Matches(odata, Document("v", new VideoIndexAttributes { UploadedAt = T0 })));
        Assert.True(ODataFilterEvaluator.Matches(odata, Document("v", new VideoIndexAttributes { UploadedAt = T0.AddTicks(1) })));
        Assert.False(ODataFilterEvaluator.Matches(odata, Document("v", new VideoIndexAttributes { UploadedAt = T0.AddTicks(2) })));
        Assert.False(ODataFilterEvaluator.Matches(odata, Document("v", new VideoIndexAttributes())));
    }
}
