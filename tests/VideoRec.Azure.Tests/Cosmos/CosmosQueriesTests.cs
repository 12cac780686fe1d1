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
    public void UserDocumentIds_ListsEverythingOfTheUser()
    {
        var query = CosmosQueries.UserDocumentIds("u1");

        Assert.Equal("SELECT VALUE c.id FROM c WHERE c.userId = @userId", query.Text);
        Assert.Equal([new KeyValuePair<string, object>("@userId", "u1")], query.Parameters);
    }
}
