using VideoRec.Azure.Search;
using VideoRec.Core.CandidateGeneration.Index;

namespace VideoRec.Azure.Tests.Search;

/// <summary>The OData filter built from <see cref="VectorSearchFilter"/>, the key encoding, score conversion and option validation.</summary>
public sealed class AzureSearchFilterTests
{
    private static readonly DateTimeOffset From = new DateTimeOffset(2024, 1, 2, 3, 4, 5, 678, TimeSpan.FromHours(2)).AddTicks(9);
    private static readonly DateTimeOffset Before = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void None_LeavesOutHiddenVideosOnly()
    {
        Assert.Equal("hidden eq false", AzureSearchFilter.Build(VectorSearchFilter.None));
        Assert.Equal("hidden eq false", AzureSearchFilter.Build(null));
    }

    [Fact]
    public void IncludeHidden_WithNothingElse_IsNoFilter()
    {
        Assert.Null(AzureSearchFilter.Build(new VectorSearchFilter { IncludeHidden = true }));
    }

    [Fact]
    public void Language_MatchesFoldedValueOrUnknown()
    {
        Assert.Equal("hidden eq false and (language eq 'PT-BR' or language eq null)",
            AzureSearchFilter.Build(new VectorSearchFilter { Language = "pt-br" }));
    }

    [Fact]
    public void Country_MatchesAllowedEverywhereOrListedRegion()
    {
        Assert.Equal("(allowedEverywhere eq true or regions/any(r: r eq 'US'))",
            AzureSearchFilter.Build(new VectorSearchFilter { Country = "us", IncludeHidden = true }));
    }

    [Fact]
    public void UploadWindow_ComparesExactUtcTicks()
    {
        var filter = AzureSearchFilter.Build(new VectorSearchFilter { UploadedFrom = From, UploadedBefore = Before, IncludeHidden = true });

        Assert.Equal($"uploadedAtTicks ge {From.UtcTicks} and uploadedAtTicks lt {Before.UtcTicks}", filter);
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 1, 4, 5, 678, TimeSpan.Zero).Ticks + 9, From.UtcTicks); // the offset applied, sub-millisecond ticks kept
    }

    [Fact]
    public void Quotes_AreDoubled_AndUnicodeKept()
    {
        var filter = AzureSearchFilter.Build(new VectorSearchFilter { Language = "x-o'brien", Country = "ß'", IncludeHidden = true });

        Assert.Equal("(language eq 'X-O''BRIEN' or language eq null) and (allowedEverywhere eq true or regions/any(r: r eq 'ß'''))", filter);
        Assert.Equal("'it''s ''quoted'''", AzureSearchFilter.Literal("it's 'quoted'"));
        Assert.Equal("'日本語, a|b'", AzureSearchFilter.Literal("日本語, a|b"));
    }

    [Fact]
    public void ExcludedIds_UseEncodedKeys_SoQuotesCommasAndPipesAreSafe()
    {
        string[] ids = ["plain", "it's", "a,b", "x|y", "🎬 ünï", "sp ace"];
        var filter = AzureSearchFilter.Build(new VectorSearchFilter { ExcludedVideoIds = ids.ToHashSet(), IncludeHidden = true })!;

        Assert.StartsWith("not search.in(id, '", filter);
        Assert.EndsWith("', ',')", filter);
        var list = filter["not search.in(id, '".Length..^"', ',')".Length];
        Assert.DoesNotContain("'", list);
        var keys = list.Split(',');
        Assert.Equal(ids.Order(StringComparer.Ordinal), keys.Select(AzureSearchKeys.Decode).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ExcludedIds_ThatNoVideoCanHave_AreDropped()
    {
        var filter = AzureSearchFilter.Build(new VectorSearchFilter { ExcludedVideoIds = new HashSet<string> { "", "ok", new string('x', 800), "\ud800" } });

        Assert.Equal($"hidden eq false and not search.in(id, '{AzureSearchKeys.Encode("ok")}', ',')", filter);
        Assert.Equal("hidden eq false", AzureSearchFilter.Build(new VectorSearchFilter { ExcludedVideoIds = new HashSet<string> { "" } }));
    }

    [Fact]
    public void AllRestrictions_AreJoinedWithAnd_InAFixedOrder()
    {
        var filter = AzureSearchFilter.Build(new VectorSearchFilter
        {
            Language = "en",
            Country = "GB",
            UploadedFrom = Before,
            UploadedBefore = Before.AddDays(1),
            ExcludedVideoIds = new HashSet<string> { "v1" },
        });

        Assert.Equal(
            "hidden eq false and (language eq 'EN' or language eq null) and (allowedEverywhere eq true or regions/any(r: r eq 'GB')) and " +
            $"uploadedAtTicks ge {Before.UtcTicks} and uploadedAtTicks lt {Before.AddDays(1).UtcTicks} and not search.in(id, 'vdjE', ',')",
            filter);
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("it's")]
    [InlineData("a,b|c")]
    [InlineData("日本語のビデオ")]
    [InlineData("🎬/?#&=+ %")]
    [InlineData("_leading")]
    public void Keys_RoundTrip_AndUseOnlyTheKeyAlphabet(string id)
    {
        var key = AzureSearchKeys.Encode(id);

        Assert.Matches("^v[A-Za-z0-9_-]+$", key);
        Assert.Equal(id, AzureSearchKeys.Decode(key));
    }

    [Fact]
    public void Keys_KnownValue_IsUrlSafeBase64WithoutPadding()
    {
        Assert.Equal("vdjE", AzureSearchKeys.Encode("v1"));
        Assert.Equal("vfn5-Pz8_", AzureSearchKeys.Encode("~~~???")); // Base64 "fn5+Pz8/", made URL-safe
        Assert.Equal("vYQ", AzureSearchKeys.Encode("a")); // no '=' padding
    }

    [Fact]
    public void Keys_RejectIdsThatCannotBeKeys()
    {
        Assert.Contains("must not be empty", Assert.Throws<ArgumentException>(() => AzureSearchKeys.Encode("")).Message);
        Assert.Contains("unpaired surrogate", Assert.Throws<ArgumentException>(() => AzureSearchKeys.Encode("a\ud800")).Message);
        Assert.Equal(767, AzureSearchKeys.MaxVideoIdBytes);
        Assert.Equal(AzureSearchKeys.MaxKeyLength, AzureSearchKeys.Encode(new string('x', 767)).Length);
        Assert.Equal(AzureSearchKeys.MaxKeyLength, AzureSearchKeys.Encode(new string('é', 383) + "x").Length); // 767 bytes, mostly 2-byte characters
        Assert.Contains("768 UTF-8 bytes", Assert.Throws<ArgumentException>(() => AzureSearchKeys.Encode(new string('x', AzureSearchKeys.MaxVideoIdBytes + 1))).Message);
        Assert.Throws<FormatException>(() => AzureSearchKeys.Decode("x123"));
        Assert.Throws<FormatException>(() => AzureSearchKeys.Decode("v*!"));
    }

    [Theory]
    [InlineData(1.0, 1.0)]
    [InlineData(0.5, 0.0)]
    [InlineData(1.0 / 3.0, -1.0)]
    [InlineData(0.8, 0.75)]
    public void CosineScore_ConvertsBackToCosineSimilarity(double score, double cosine)
    {
        Assert.Equal(cosine, AzureSearchScores.CosineSimilarity(score), 12);
        Assert.Equal(score, AzureSearchScores.CosineSearchScore(cosine), 12);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void CosineScore_OutsideTheServiceRange_IsRefused(double score)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AzureSearchScores.CosineSimilarity(score));
    }

    [Fact]
    public void Options_Defaults_WithAnEndpoint_AreValid()
    {
        new AzureSearchOptions { Endpoint = new Uri("https://s.search.windows.net") }.Validate();
    }

    [Fact]
    public void Options_MissingEndpoint_IsNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => new AzureSearchOptions().Validate());

        Assert.Equal("Endpoint", e.ParamName);
        Assert.StartsWith("AzureSearchOptions.Endpoint must be the absolute http(s) URI", e.Message);
    }

    [Fact]
    public void Options_EveryBadSetting_IsNamed()
    {
        var options = new AzureSearchOptions
        {
            Endpoint = new Uri("https://s.search.windows.net"),
            IndexName = "Videos_1",
            Dimensions = 1,
            HnswM = 11,
            HnswEfConstruction = 99,
            HnswEfSearch = 1001,
            BatchSize = 1001,
            MaxRequestBytes = 17_000_000,
            MaxRetryAttempts = -1,
            BaseDelay = TimeSpan.FromSeconds(2),
            MaxDelay = TimeSpan.FromSeconds(1),
            RequestTimeout = TimeSpan.Zero,
        };

        var e = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal("IndexName", e.ParamName);
        foreach (var expected in new[]
                 {
                     "AzureSearchOptions.IndexName must be 2 to 128 lower-case letters, digits or dashes, starting and ending with a letter or digit, without '--' (was 'Videos_1').",
                     "AzureSearchOptions.Dimensions must be between 2 and 3072 (was 1).",
                     "AzureSearchOptions.HnswM must be between 4 and 10 (was 11).",
                     "AzureSearchOptions.HnswEfConstruction must be between 100 and 1000 (was 99).",
                     "AzureSearchOptions.HnswEfSearch must be between 100 and 1000 (was 1001).",
                     "AzureSearchOptions.BatchSize must be between 1 and 1000 (was 1001).",
                     "AzureSearchOptions.MaxRequestBytes must be between 1024 and 16000000 (was 17000000).",
                     "AzureSearchOptions.MaxRetryAttempts must not be negative (was -1).",
                     "AzureSearchOptions.MaxDelay must be between BaseDelay and one hour (was 00:00:01).",
                     "AzureSearchOptions.RequestTimeout must be positive (was 00:00:00).",
                 })
        {
            Assert.Contains(expected, e.Message);
        }

        Assert.DoesNotContain("Endpoint", e.Message);
    }

    [Theory]
    [InlineData("ab", true)]
    [InlineData("videos-two-tower", true)]
    [InlineData("a", false)]
    [InlineData("-videos", false)]
    [InlineData("videos-", false)]
    [InlineData("vid--eos", false)]
    [InlineData("vidéos", false)]
    public void Options_IndexNameRules(string name, bool valid)
    {
        var options = new AzureSearchOptions { Endpoint = new Uri("https://s.search.windows.net"), IndexName = name };
        if (valid)
        {
            options.Validate();
        }
        else
        {
            Assert.Equal("IndexName", Assert.Throws<ArgumentException>(options.Validate).ParamName);
        }
    }
}
