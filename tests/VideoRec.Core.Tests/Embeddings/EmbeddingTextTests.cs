using VideoRec.Core.Domain;
using VideoRec.Core.Embeddings;

namespace VideoRec.Core.Tests.Embeddings;

public sealed class EmbeddingTextTests
{
    [Fact]
    public void VideoFields_AreTrimmedAndCollapsed_TagsJoinedInOrder()
    {
        var video = new Video("v", "  The\tMatrix \n (1999) ") { Tags = [" sci-fi ", "", "cyber  punk"] };

        Assert.Equal("The Matrix (1999)", EmbeddingText.Of(video, VideoTextField.Title));
        Assert.Equal("sci-fi, cyber punk", EmbeddingText.Of(video, VideoTextField.Tags));
        Assert.Equal("", EmbeddingText.Of(new Video("e", "   "), VideoTextField.Title));
        Assert.Throws<ArgumentOutOfRangeException>(() => EmbeddingText.Of(video, (VideoTextField)7));
    }

    [Fact]
    public void Queries_AreNormalised_ForTheCache()
    {
        Assert.Equal("cat videos", EmbeddingText.NormalizeQuery("  Cat \u00a0 VIDEOS "));
        Assert.Equal("日本 アニメ", EmbeddingText.NormalizeQuery("日本　アニメ")); // ideographic space collapses too
    }

    [Fact]
    public void Hash_DependsOnModelAndText()
    {
        var h = EmbeddingText.Hash("m", "text");

        Assert.Equal(32, h.Length);
        Assert.Equal(h, EmbeddingText.Hash("m", "text"));
        Assert.NotEqual(h, EmbeddingText.Hash("m2", "text"));
        Assert.NotEqual(h, EmbeddingText.Hash("m", "text "));
        Assert.NotEqual(EmbeddingText.Hash("ab", "c"), EmbeddingText.Hash("a", "bc")); // the separator keeps the parts apart
    }

    [Fact]
    public void SearchHistory_IsTheElementWiseMean()
    {
        Assert.Equal([2f, 0.5f], SearchHistory.Average([[1f, 0f], [3f, 1f]], 2));
        Assert.Equal([0f, 0f], SearchHistory.Average([], 2));
        Assert.Throws<ArgumentException>(() => SearchHistory.Average([[1f]], 2));
    }

    [Fact]
    public void RefreshRequests_MergeWithoutRepeats()
    {
        var merged = EmbeddingRefreshRequest.Merge([new(["v1", "v2"], ["u1"]), new(["v2", "v3"], ["u1", "u2"])]);

        Assert.Equal(["v1", "v2", "v3"], merged.VideoIds);
        Assert.Equal(["u1", "u2"], merged.UserIds);
        Assert.True(new EmbeddingRefreshRequest([], []).IsEmpty);
    }
}
