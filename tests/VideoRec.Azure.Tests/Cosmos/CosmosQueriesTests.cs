using VideoRec.Azure.Cosmos;

namespace VideoRec.Azure.Tests.Cosmos;

public sealed class CosmosQueriesTests
{
    [Fact]
    public void UserInteractions_FiltersTheKind_AndOrdersByTimestampThenEventId()
    {
        var query = CosmosQueries.UserInteractions("u1");

        Assert.Equal("SELECT * FROM c WHERE c.userId = @userId AND c.kind = @kind ORDER BY c.timestamp, c.eventId", query.Text);
        Assert.Equal([new KeyValuePair<string, object>("@userId", "u1"), new KeyValuePair<string, object>("@kind", "interaction")], query.Parameters);
    }

    [Fact]
    public void ExistingIds_LooksForTheIdsInOnePartition()
    {
        var user = CosmosQueries.ExistingIds("userId", "u1", ["event:a", "event:b"]);
        var video = CosmosQueries.ExistingIds("videoId", "v1", ["event:a"]);

        Assert.Equal("SELECT VALUE c.id FROM c WHERE c.userId = @key AND ARRAY_CONTAINS(@ids, c.id)", user.Text);
        Assert.Equal("u1", user["@key"]);
        Assert.Equal(new[] { "event:a", "event:b" }, (string[])user["@ids"]);
        Assert.Equal("SELECT VALUE c.id FROM c WHERE c.videoId = @key AND ARRAY_CONTAINS(@ids, c.id)", video.Text);
        Assert.Equal("v1", video["@key"]);
        Assert.Throws<ArgumentOutOfRangeException>(() => CosmosQueries.ExistingIds("id; DROP", "x", ["a"]));
    }

    [Fact]
    public void UserDocuments_ListsTheIdKindAndTimeToLiveOfEverythingOfTheUser()
    {
        var query = CosmosQueries.UserDocuments("u1");

        Assert.Equal("SELECT c.id, c.kind, c.ttl FROM c WHERE c.userId = @userId", query.Text);
        Assert.Equal([new KeyValuePair<string, object>("@userId", "u1")], query.Parameters);
        // A row as the service returns it: undefined fields left out.
        Assert.Equal(new UserDocumentRow("vector", "vector", null), CosmosDocuments.Deserialize<UserDocumentRow>("""{"id":"vector","kind":"vector"}"""));
        Assert.Equal(new UserDocumentRow("event:e1", "interaction", 60), CosmosDocuments.Deserialize<UserDocumentRow>("""{"id":"event:e1","kind":"interaction","ttl":60}"""));
    }

    [Fact]
    public void PendingVectorUsers_LooksAcrossPartitionsForMarkedAggregates_ByUserId_WithAParameterisedLimit()
    {
        var query = CosmosQueries.PendingVectorUsers(250);

        Assert.Equal("SELECT TOP @max c.userId FROM c WHERE c.kind = @kind AND c.vectorPending = true ORDER BY c.userId", query.Text);
        Assert.Equal([new KeyValuePair<string, object>("@max", 250), new KeyValuePair<string, object>("@kind", "aggregates")], query.Parameters);
        Assert.Equal(new PendingVectorRow("u7"), CosmosDocuments.Deserialize<PendingVectorRow>("""{"userId":"u7"}"""));
    }

    [Fact]
    public void ConsumedVideoIds_AreTheDistinctVideosOfInteractionsOtherThanImpressionsAndSearches()
    {
        var query = CosmosQueries.ConsumedVideoIds("u1");

        Assert.Equal(
            "SELECT DISTINCT VALUE c.videoId FROM c WHERE c.userId = @userId AND c.kind = @kind AND IS_STRING(c.videoId) AND NOT ARRAY_CONTAINS(@notConsumed, c.type)",
            query.Text);
        Assert.Equal("u1", query["@userId"]);
        Assert.Equal("interaction", query["@kind"]);
        Assert.Equal(new[] { "impression", "search" }, (string[])query["@notConsumed"]);
    }
}
