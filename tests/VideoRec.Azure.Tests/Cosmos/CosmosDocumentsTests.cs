using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using VideoRec.Azure.Cosmos;
using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;

namespace VideoRec.Azure.Tests.Cosmos;

/// <summary>Document shapes, ids, partition keys, containers and batches of the Cosmos DB store, checked without a service.</summary>
public sealed class CosmosDocumentsTests
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly CosmosFeatureStoreOptions Store = new();
    private static readonly IngestionOptions Options = new();

    private static IngestEvent Watch(string id, string user, string video, DateTimeOffset at, double seconds) =>
        new(id, user, video, InteractionType.Watch, at) { Seconds = seconds };

    [Fact]
    public void Interaction_IsCamelCaseJson_WithPrefixedIdUserPartitionAndTimeToLive()
    {
        var e = Watch("e1", "u1", "v1", T0, 42.5) with { Device = "tv", Location = new GeoLocation(48.85, 2.35) };

        var json = CosmosDocuments.Serialize(CosmosDocuments.Interaction(e, TimeSpan.FromDays(180)));

        Assert.Equal(
            """{"id":"event:e1","userId":"u1","eventId":"e1","videoId":"v1","type":"watch","timestamp":"2025-06-02T10:00:00.0000000Z","seconds":42.5,"device":"tv","location":{"latitude":48.85,"longitude":2.35},"version":1,"ttl":15552000,"kind":"interaction"}""",
            json);
    }

    [Fact]
    public void Interaction_SearchWithoutTimeToLive_HasTextAndNoVideoOrTtl()
    {
        var e = new IngestEvent("s1", "u1", null, InteractionType.Search, T0.AddTicks(1234567)) { Text = "jazz \"live\"" };

        var json = CosmosDocuments.Serialize(CosmosDocuments.Interaction(e, null));

        Assert.Equal("""{"id":"event:s1","userId":"u1","eventId":"s1","type":"search","timestamp":"2025-06-02T10:00:00.1234567Z","text":"jazz \u0022live\u0022","version":1,"kind":"interaction"}""", json);
    }

    [Fact]
    public void Interaction_RoundTripsEveryEventField_TimestampsInUtc()
    {
        var events = new[]
        {
            Watch("w", "u1", "v1", new DateTimeOffset(2025, 6, 2, 12, 0, 0, TimeSpan.FromHours(2)).AddTicks(7), 12.3456789) with { Device = "tv", Location = new GeoLocation(-33.86, 151.21) },
            new IngestEvent("s", "u1", null, InteractionType.Search, T0) { Text = "cats" },
            new IngestEvent("i", "u1", "v2", InteractionType.Impression, T0) { Seconds = null },
            new IngestEvent("c", "u1", "v2", InteractionType.Comment, T0) { Text = "nice", Version = 1 },
        };

        foreach (var e in events)
        {
            var back = CosmosDocuments.ToEvent(CosmosDocuments.Deserialize<InteractionDocument>(CosmosDocuments.Serialize(CosmosDocuments.Interaction(e, TimeSpan.FromDays(1)))));
            Assert.Equal(e, back);
            Assert.Equal(TimeSpan.Zero, back.Timestamp.Offset);
        }
    }

    [Fact]
    public void Timestamps_AreFixedWidthUtcText_WhoseStringOrderIsTimeOrder()
    {
        var times = new[] { T0, T0.AddTicks(1), T0.AddSeconds(1), T0.AddMinutes(-1), new DateTimeOffset(2025, 6, 2, 11, 59, 0, TimeSpan.FromHours(2)), T0.AddYears(-20) };

        var texts = times.Select(CosmosDocuments.FormatTimestamp).ToArray();

        Assert.Equal("2025-06-02T10:00:00.0000000Z", texts[0]);
        Assert.Equal("2025-06-02T09:59:00.0000000Z", texts[4]);
        Assert.All(texts, t => Assert.Equal(28, t.Length));
        Assert.Equal(times.OrderBy(t => t).Select(CosmosDocuments.FormatTimestamp), texts.Order(StringComparer.Ordinal));
        Assert.Equal(times, texts.Select(CosmosDocuments.ParseTimestamp));
    }

    [Fact]
    public void Marker_GoesToTheVideoPartition_WithTheMarkerTimeToLive()
    {
        var marker = CosmosDocuments.Marker(Watch("e1", "u1", "v1", T0, 10), TimeSpan.FromDays(30));

        Assert.Equal("""{"id":"event:e1","videoId":"v1","eventId":"e1","ttl":2592000,"kind":"marker"}""", CosmosDocuments.Serialize(marker));
        Assert.Throws<ArgumentException>(() => CosmosDocuments.Marker(new IngestEvent("s1", "u1", null, InteractionType.Search, T0) { Text = "q" }, TimeSpan.FromDays(1)));
    }

    [Fact]
    public void StateDocuments_HaveFixedIdsAndTheirPartitionKeyField()
    {
        var vector = CosmosDocuments.VectorDocument("u1", new UserVector("m1", [0.5f, -1.25f, 3f], T0.AddMinutes(3)));
        var profile = CosmosDocuments.ProfileDocument(new UserProfile("u1") { Country = "FR", Age = 30 });
        var video = CosmosDocuments.CatalogueDocument(new Video("v1", "One") { DurationSeconds = 100, Tags = ["music"] });
        var deletion = CosmosDocuments.Deletion("u1", T0.AddHours(1));
        var tombstone = CosmosDocuments.Tombstone("u1", T0.AddHours(1));

        Assert.Equal("""{"id":"vector","userId":"u1","modelVersion":"m1","vector":[0.5,-1.25,3],"asOf":"2025-06-02T10:03:00+00:00","kind":"vector"}""", CosmosDocuments.Serialize(vector));
        Assert.Equal("""{"id":"profile","userId":"u1","profile":{"id":"u1","age":30,"country":"FR"},"kind":"profile"}""", CosmosDocuments.Serialize(profile));
        Assert.Equal("""{"id":"v1","videoId":"v1","video":{"id":"v1","title":"One","durationSeconds":100,"tags":["music"],"likes":0,"views":0,"allowedRegions":[]},"kind":"video"}""",
            CosmosDocuments.Serialize(video));
        Assert.Equal("""{"id":"deletion","userId":"u1","deletedAt":"2025-06-02T11:00:00+00:00","kind":"deletion"}""", CosmosDocuments.Serialize(deletion));
        Assert.Equal("""{"id":"aggregates","userId":"u1","deletedAt":"2025-06-02T11:00:00+00:00","kind":"aggregates"}""", CosmosDocuments.Serialize(tombstone));
    }

    [Fact]
    public void Aggregates_NestTheUserAggregatesJson()
    {
        var aggregates = new UserAggregates { UserId = "u1" };
        aggregates.Apply(Watch("e1", "u1", "v1", T0, 42.5), 50);

        var json = CosmosDocuments.Serialize(new UserAggregatesDocument(CosmosDocuments.AggregatesId, "u1", aggregates, null, true));

        Assert.Equal(
            """{"id":"aggregates","userId":"u1","aggregates":{"userId":"u1","counts":{"watch":1},"watchMilliseconds":42500,"watched":[{"eventId":"e1","at":"2025-06-02T10:00:00+00:00","videoId":"v1","seconds":42.5}],"liked":[],"disliked":[],"impressed":[],"searches":[],"firstEventAt":"2025-06-02T10:00:00+00:00","lastEventAt":"2025-06-02T10:00:00+00:00","totalWatchSeconds":42.5},"vectorPending":true,"kind":"aggregates"}""",
            json);
        var back = CosmosDocuments.Deserialize<UserAggregatesDocument>(json);
        Assert.Equal(CosmosDocuments.Serialize(aggregates), CosmosDocuments.Serialize(back.Aggregates!));
    }

    [Theory]
    [InlineData("u1")]
    [InlineData("user with spaces inside")]
    [InlineData("é-ü-✓")]
    [InlineData("event:e1")]
    public void SafeId_KeepsIdsTheServiceAccepts(string id) => Assert.Equal(id, CosmosDocuments.SafeId(id));

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("what?")]
    [InlineData("#tag")]
    [InlineData("~tilde")]
    [InlineData("trailing ")]
    [InlineData("tab\tinside")]
    public void SafeId_HashesIdsTheServiceRefuses_OrThatCouldCollideWithAHash(string id)
    {
        var expected = "~" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(id))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        var safe = CosmosDocuments.SafeId(id);

        Assert.Equal(expected, safe);
        Assert.Equal(44, safe.Length);
        Assert.Matches("^~[A-Za-z0-9_-]{43}$", safe);
    }

    [Fact]
    public void SafeId_LongIds_AreHashed_AndStayDistinct()
    {
        var at255 = new string('x', 255);
        var at256 = new string('x', 256);
        var other256 = new string('x', 255) + "y";

        Assert.Equal(at255, CosmosDocuments.SafeId(at255));
        Assert.StartsWith("~", CosmosDocuments.SafeId(at256), StringComparison.Ordinal);
        Assert.NotEqual(CosmosDocuments.SafeId(at256), CosmosDocuments.SafeId(other256));
        // A 256-character event id makes a 262-character "event:" id: hashed, and the event id is kept in its own field.
        var e = Watch(at256, "u1", "v1", T0, 1);
        var document = CosmosDocuments.Interaction(e, null);
        Assert.Equal(CosmosDocuments.SafeId("event:" + at256), document.Id);
        Assert.Equal(at256, document.EventId);
        Assert.Equal(CosmosDocuments.SafeId("event:" + at256), CosmosDocuments.Marker(e, TimeSpan.FromDays(1)).Id);
    }

    [Fact]
    public void Containers_PartitionKeysTimeToLiveAndIndexingPolicies()
    {
        var containers = CosmosDocuments.Containers(new CosmosFeatureStoreOptions()).ToDictionary(c => c.Id);

        Assert.Equal(["catalogue", "deletions", "userState", "videoState"], containers.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("/userId", containers["userState"].PartitionKeyPath);
        Assert.Equal("/videoId", containers["videoState"].PartitionKeyPath);
        Assert.Equal("/videoId", containers["catalogue"].PartitionKeyPath);
        Assert.Equal("/userId", containers["deletions"].PartitionKeyPath);
        // Time to live on (-1: only items with their own ttl expire) where interactions and markers live; off elsewhere.
        Assert.Equal(-1, containers["userState"].DefaultTimeToLive);
        Assert.Equal(-1, containers["videoState"].DefaultTimeToLive);
        Assert.Null(containers["catalogue"].DefaultTimeToLive);
        Assert.Null(containers["deletions"].DefaultTimeToLive);
        Assert.All(containers.Values, c =>
        {
            Assert.Equal(PartitionKeyDefinitionVersion.V2, c.PartitionKeyDefinitionVersion);
            Assert.Equal(IndexingMode.Consistent, c.IndexingPolicy.IndexingMode);
            Assert.Equal(["/*"], c.IndexingPolicy.IncludedPaths.Select(p => p.Path));
        });
        Assert.Equal(["/vector/*", "/aggregates/*", "/profile/*", "/text/?", "/location/*", "/device/?", "/\"_etag\"/?"],
            containers["userState"].IndexingPolicy.ExcludedPaths.Select(p => p.Path));
        Assert.Equal(["/statistics/*", "/\"_etag\"/?"], containers["videoState"].IndexingPolicy.ExcludedPaths.Select(p => p.Path));
        Assert.Equal(["/\"_etag\"/?"], containers["catalogue"].IndexingPolicy.ExcludedPaths.Select(p => p.Path));
        var composite = Assert.Single(containers["userState"].IndexingPolicy.CompositeIndexes);
        Assert.Equal([("/timestamp", CompositePathSortOrder.Ascending), ("/eventId", CompositePathSortOrder.Ascending)], composite.Select(p => (p.Path, p.Order)));
        Assert.Empty(containers["videoState"].IndexingPolicy.CompositeIndexes);
    }

    [Fact]
    public void Containers_UseTheConfiguredNames()
    {
        var options = new CosmosFeatureStoreOptions { UserStateContainer = "u", VideoStateContainer = "v", CatalogueContainer = "c", DeletionsContainer = "d" };

        Assert.Equal(["u", "v", "c", "d"], CosmosDocuments.Containers(options).Select(c => c.Id));
    }

    [Fact]
    public void UserBatch_CreatesEachRawInteraction_ThenReplacesTheAggregatesWithTheirEtag()
    {
        var existing = new UserAggregates { UserId = "u1" };
        existing.Apply(Watch("e1", "u1", "v1", T0, 10), 50);
        var current = new UserAggregatesDocument("aggregates", "u1", existing, null);
        var before = CosmosDocuments.Serialize(current);
        var like = new IngestEvent("e2", "u1", "v1", InteractionType.Like, T0.AddMinutes(1));
        var search = new IngestEvent("e3", "u1", null, InteractionType.Search, T0.AddMinutes(2)) { Text = "jazz" };

        var batch = CosmosDocuments.UserBatch(Store, "u1", current, "\"etag-7\"", [like, search], Options, vectors: true);

        Assert.Equal("userState", batch.Container);
        Assert.Equal("u1", batch.PartitionKey);
        Assert.Equal([like, search], batch.Events);
        Assert.Equal(2, batch.StateIndex);
        Assert.Equal(
            [(CosmosOperationKind.Create, "event:e2", (string?)null), (CosmosOperationKind.Create, "event:e3", null), (CosmosOperationKind.Replace, "aggregates", "\"etag-7\"")],
            batch.Operations.Select(o => (o.Kind, o.Id, o.IfMatchEtag)));
        Assert.Equal(CosmosDocuments.Serialize(CosmosDocuments.Interaction(like, TimeSpan.FromDays(180))), CosmosDocuments.Serialize(batch.Operations[0].Document));
        var state = Assert.IsType<UserAggregatesDocument>(batch.Operations[2].Document);
        Assert.Equal("""{"like":1,"search":1,"watch":1}""", JsonSerializer.Serialize(state.Aggregates!.Counts));
        Assert.Equal(["e2"], state.Aggregates.Liked.Select(r => r.EventId));
        Assert.Equal(["jazz"], state.Aggregates.Searches.Select(r => r.Query));
        Assert.True(state.VectorPending);
        Assert.Equal(before, CosmosDocuments.Serialize(current)); // the document read is not changed
    }

    [Fact]
    public void UserBatch_ForANewUser_CreatesTheAggregates()
    {
        var batch = CosmosDocuments.UserBatch(Store, "u1", null, null, [Watch("e1", "u1", "v1", T0, 10)], Options, vectors: false);

        Assert.Equal([(CosmosOperationKind.Create, "event:e1"), (CosmosOperationKind.Create, "aggregates")], batch.Operations.Select(o => (o.Kind, o.Id)));
        Assert.All(batch.Operations, o => Assert.Null(o.IfMatchEtag));
        var state = JsonNode.Parse(CosmosDocuments.Serialize(batch.Operations[1].Document))!;
        Assert.Equal("u1", (string?)state["userId"]);
        Assert.Equal(10_000, (long)state["aggregates"]!["watchMilliseconds"]!);
        Assert.Null(state["vectorPending"]); // no refresher: nothing pending
        Assert.Null(state["deletedAt"]);
    }

    [Fact]
    public void UserBatch_VectorPending_OnlyForFeedback_AndKeptUntilCleared()
    {
        var impression = new IngestEvent("i1", "u1", "v1", InteractionType.Impression, T0);
        var pending = new UserAggregatesDocument("aggregates", "u1", new UserAggregates { UserId = "u1" }, null, true);

        var onlyImpressions = CosmosDocuments.UserBatch(Store, "u1", null, null, [impression], Options, vectors: true);
        var keptPending = CosmosDocuments.UserBatch(Store, "u1", pending, "\"e\"", [impression], Options, vectors: true);

        Assert.Null(((UserAggregatesDocument)onlyImpressions.Operations[^1].Document).VectorPending);
        Assert.True(((UserAggregatesDocument)keptPending.Operations[^1].Document).VectorPending);
    }

    [Fact]
    public void UserBatch_AfterADeletion_StartsFreshAggregates_AndKeepsTheDeletionTime()
    {
        var tombstone = CosmosDocuments.Tombstone("u1", T0.AddHours(1));

        var batch = CosmosDocuments.UserBatch(Store, "u1", tombstone, "\"t\"", [Watch("late", "u1", "v1", T0.AddHours(2), 5)], Options, vectors: false);

        var state = (UserAggregatesDocument)batch.Operations[^1].Document;
        Assert.Equal(CosmosOperationKind.Replace, batch.Operations[^1].Kind);
        Assert.Equal(T0.AddHours(1), state.DeletedAt);
        Assert.Equal(5_000, state.Aggregates!.WatchMilliseconds);
    }

    [Fact]
    public void UserBatch_RefusesEmptyOversizedOrForeignEvents()
    {
        var many = Enumerable.Range(0, 100).Select(i => Watch($"e{i}", "u1", "v1", T0, 1)).ToArray();

        Assert.Throws<ArgumentOutOfRangeException>(() => CosmosDocuments.UserBatch(Store, "u1", null, null, [], Options, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => CosmosDocuments.UserBatch(Store, "u1", null, null, many, Options, false));
        Assert.Equal(100, CosmosDocuments.UserBatch(Store, "u1", null, null, many[..99], Options, false).Operations.Count);
        var foreign = Assert.Throws<ArgumentException>(() => CosmosDocuments.UserBatch(Store, "u1", null, null, [Watch("x", "u2", "v1", T0, 1)], Options, false));
        Assert.StartsWith("Event 'x' is not about user 'u1'.", foreign.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => CosmosDocuments.UserBatch(Store, "u1", new UserAggregatesDocument("aggregates", "u1", null, null), null, [many[0]], Options, false));
    }

    [Fact]
    public void VideoBatch_CreatesAMarkerPerEvent_ThenTheStatistics()
    {
        var watch = Watch("w1", "u1", "v1", T0, 95);
        var impression = new IngestEvent("i1", "u2", "v1", InteractionType.Impression, T0) { Seconds = 2 };
        var durations = new Dictionary<string, double> { ["v1"] = 100 };

        var created = CosmosDocuments.VideoBatch(Store, "v1", null, null, [watch, impression], durations, Options);

        Assert.Equal("videoState", created.Container);
        Assert.Equal("v1", created.PartitionKey);
        Assert.Equal(
            [(CosmosOperationKind.Create, "event:w1", (string?)null), (CosmosOperationKind.Create, "event:i1", null), (CosmosOperationKind.Create, "statistics", null)],
            created.Operations.Select(o => (o.Kind, o.Id, o.IfMatchEtag)));
        Assert.Equal("""{"id":"event:i1","videoId":"v1","eventId":"i1","ttl":15552000,"kind":"marker"}""", CosmosDocuments.Serialize(created.Operations[1].Document));
        var statistics = ((VideoStatisticsDocument)created.Operations[2].Document).Statistics;
        Assert.Equal((1, 1, 1, 95_000L), (statistics.Views, statistics.Impressions, statistics.Completions, statistics.WatchMilliseconds));

        var current = (VideoStatisticsDocument)created.Operations[2].Document;
        var replaced = CosmosDocuments.VideoBatch(Store, "v1", current, "\"s-3\"", [Watch("w2", "u3", "v1", T0.AddHours(1), 10)], new Dictionary<string, double>(), Options);

        Assert.Equal((CosmosOperationKind.Replace, "statistics", "\"s-3\""), (replaced.Operations[1].Kind, replaced.Operations[1].Id, replaced.Operations[1].IfMatchEtag));
        var after = ((VideoStatisticsDocument)replaced.Operations[1].Document).Statistics;
        Assert.Equal((2, 1, 105_000L), (after.Views, after.Completions, after.WatchMilliseconds));
        Assert.Equal(1, current.Statistics.Views); // the document read is not changed
        Assert.Throws<ArgumentException>(() => CosmosDocuments.VideoBatch(Store, "v2", null, null, [watch], durations, Options));
    }

    [Fact]
    public void TombstoneBatch_KeepsTheLaterDeletionTime()
    {
        var earlier = CosmosDocuments.TombstoneBatch(Store, "u1", null, null, T0);
        var later = CosmosDocuments.TombstoneBatch(Store, "u1", CosmosDocuments.Tombstone("u1", T0.AddHours(2)), "\"t\"", T0.AddHours(1));

        Assert.Equal((CosmosOperationKind.Create, "aggregates"), (earlier.Operations.Single().Kind, earlier.Operations.Single().Id));
        Assert.Equal(T0, ((UserAggregatesDocument)earlier.Operations.Single().Document).DeletedAt);
        Assert.Equal((CosmosOperationKind.Replace, "\"t\""), (later.Operations.Single().Kind, later.Operations.Single().IfMatchEtag));
        Assert.Equal(T0.AddHours(2), ((UserAggregatesDocument)later.Operations.Single().Document).DeletedAt);
        Assert.Null(((UserAggregatesDocument)later.Operations.Single().Document).Aggregates);
    }

    [Fact]
    public void VectorRefreshBatch_UpsertsTheVector_AndClearsThePendingMark_IfTheAggregatesEtagStillMatches()
    {
        var current = PendingAggregates();
        var vector = new UserVector("m1", [0.5f, -1.25f], T0);

        var batch = CosmosDocuments.VectorRefreshBatch(Store, current, "\"a-9\"", null, vector);

        Assert.Equal(("userState", "u1", 1), (batch.Container, batch.PartitionKey, batch.StateIndex));
        Assert.Empty(batch.Events);
        Assert.Equal(
            [(CosmosOperationKind.Upsert, "vector", (string?)null), (CosmosOperationKind.Replace, "aggregates", "\"a-9\"")],
            batch.Operations.Select(o => (o.Kind, o.Id, o.IfMatchEtag)));
        Assert.Equal(CosmosDocuments.Serialize(CosmosDocuments.VectorDocument("u1", vector)), CosmosDocuments.Serialize(batch.Operations[0].Document));
        Assert.Equal(CosmosDocuments.Serialize(current with { VectorPending = null }), CosmosDocuments.Serialize(batch.Operations[1].Document));
        Assert.DoesNotContain("vectorPending", CosmosDocuments.Serialize(batch.Operations[1].Document), StringComparison.Ordinal);
        Assert.True(current.VectorPending); // the document read is not changed
    }

    [Fact]
    public void VectorRefreshBatch_WithoutAVector_DeletesTheStoredOneWithItsEtag_OrOnlyClearsTheMark()
    {
        var current = PendingAggregates();
        var stored = new Stored<UserVectorDocument>(CosmosDocuments.VectorDocument("u1", new UserVector("m1", [1f], T0)), "\"v-2\"");

        var deleting = CosmosDocuments.VectorRefreshBatch(Store, current, "\"a-9\"", stored, null);
        var clearing = CosmosDocuments.VectorRefreshBatch(Store, current, "\"a-9\"", null, null);

        Assert.Equal(
            [(CosmosOperationKind.Delete, "vector", (string?)"\"v-2\""), (CosmosOperationKind.Replace, "aggregates", "\"a-9\"")],
            deleting.Operations.Select(o => (o.Kind, o.Id, o.IfMatchEtag)));
        Assert.Same(stored.Document, deleting.Operations[0].Document);
        var only = Assert.Single(clearing.Operations);
        Assert.Equal((CosmosOperationKind.Replace, "aggregates", "\"a-9\""), (only.Kind, only.Id, only.IfMatchEtag));
        Assert.Null(((UserAggregatesDocument)only.Document).VectorPending);
        Assert.Throws<ArgumentException>(() => CosmosDocuments.VectorRefreshBatch(Store, current, null!, null, null));
    }

    [Fact]
    public void Erased_KeepsTheInteractionIdPartitionAndTimeToLive_AndNothingElse()
    {
        var interaction = CosmosDocuments.Interaction(Watch("e1", "u1", "v1", T0, 42.5) with { Device = "tv", Location = new GeoLocation(1, 2) }, TimeSpan.FromDays(180));

        var erased = CosmosDocuments.Erased("u1", interaction.Id, interaction.Ttl);
        var forever = CosmosDocuments.Erased("u1", CosmosDocuments.InteractionId("e2"), null);

        Assert.Equal("""{"id":"event:e1","userId":"u1","ttl":15552000,"kind":"erased"}""", CosmosDocuments.Serialize(erased));
        Assert.Equal("""{"id":"event:e2","userId":"u1","kind":"erased"}""", CosmosDocuments.Serialize(forever));
    }

    private static UserAggregatesDocument PendingAggregates()
    {
        var aggregates = new UserAggregates { UserId = "u1" };
        aggregates.Apply(Watch("e1", "u1", "v1", T0, 10), 50);
        return new UserAggregatesDocument("aggregates", "u1", aggregates, null, true);
    }

    [Fact]
    public void TtlSeconds_RoundsUp_AndStaysPositive()
    {
        Assert.Equal(15_552_000, CosmosDocuments.TtlSeconds(TimeSpan.FromDays(180)));
        Assert.Equal(2, CosmosDocuments.TtlSeconds(TimeSpan.FromMilliseconds(1500)));
        Assert.Equal(1, CosmosDocuments.TtlSeconds(TimeSpan.Zero));
    }
}
