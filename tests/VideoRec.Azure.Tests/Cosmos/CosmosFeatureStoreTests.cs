using System.Text.Json;
using VideoRec.Azure.Cosmos;
using VideoRec.Azure.Tests.Support;
using VideoRec.Contracts;
using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;
using VideoRec.Local.Sqlite;

namespace VideoRec.Azure.Tests.Cosmos;

/// <summary>
/// How <see cref="CosmosFeatureStore"/> uses Cosmos DB, over the in-memory stand-in: which documents land where, what
/// happens when another writer or a crash gets between its calls, and that it ends exactly where the SQLite store does.
/// </summary>
public sealed class CosmosFeatureStoreTests
{
    private static readonly DateTimeOffset T0 = TestEvents.T0;
    private static CancellationToken None => CancellationToken.None;

    private static IngestionRules Rules(IUserVectorRefresher? vectors = null, int recent = 50) =>
        new(new IngestionOptions { RecentListLength = recent, TrendingWindowHours = 24 }, vectors);

    private static IngestEvent Watch(string id, string user, string video, DateTimeOffset at, double seconds) =>
        new(id, user, video, InteractionType.Watch, at) { Seconds = seconds };

    private static IngestEvent Like(string id, string user, string video, DateTimeOffset at) => new(id, user, video, InteractionType.Like, at);

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, new JsonSerializerOptions(JsonSerializerDefaults.Web));

    [Fact]
    public async Task Apply_WritesRawInteractionsAndAggregatesToTheUserPartition_MarkersAndStatisticsToTheVideoPartition()
    {
        var gateway = new InMemoryCosmosGateway();
        var store = new CosmosFeatureStore(gateway, null);
        var refresher = new RecordingRefresher(RecordingRefresher.FeedbackSummary);
        await store.UpsertVideoAsync(new Video("v1", "One") { DurationSeconds = 100 }, None);

        await store.ApplyAsync([Watch("w1", "u1", "v1", T0, 95), Like("l1", "u2", "v1", T0)], Rules(refresher), None);

        Assert.Equal([("u1", "aggregates"), ("u1", "event:w1"), ("u2", "aggregates"), ("u2", "event:l1")], gateway.Ids("userState"));
        Assert.Equal([("v1", "event:l1"), ("v1", "event:w1"), ("v1", "statistics")], gateway.Ids("videoState"));
        Assert.Equal([("v1", "v1")], gateway.Ids("catalogue"));
        Assert.Empty(gateway.Ids("deletions"));
        // One user batch per user, one video batch for v1; all committed.
        Assert.Equal(
            [("userState", "u1", 2), ("userState", "u2", 2), ("videoState", "v1", 3)],
            gateway.Batches.Select(b => (b.Batch.Container, b.Batch.PartitionKey, b.Batch.Operations.Count)));
        Assert.All(gateway.Batches, b => Assert.True(b.Result.Succeeded));
        // No vector is computed: both users are marked as waiting for a refresh, in the batch that applied their events.
        Assert.Empty(refresher.Calls);
        Assert.Contains("\"vectorPending\":true", gateway.Json("userState", "u1", "aggregates")!, StringComparison.Ordinal);
        Assert.Contains("\"vectorPending\":true", gateway.Json("userState", "u2", "aggregates")!, StringComparison.Ordinal);
        Assert.Equal("""{"id":"event:w1","videoId":"v1","eventId":"w1","ttl":15552000,"kind":"marker"}""", gateway.Json("videoState", "v1", "event:w1"));
    }

    [Fact]
    public async Task Apply_WithoutARefresher_OrWithoutFeedback_MarksNoOne()
    {
        var gateway = new InMemoryCosmosGateway();
        var store = new CosmosFeatureStore(gateway, null);
        var refresher = new RecordingRefresher(RecordingRefresher.FeedbackSummary);

        await store.ApplyAsync([Watch("w1", "u1", "v1", T0, 10)], Rules(), None);
        await store.ApplyAsync([new IngestEvent("i1", "u2", "v1", InteractionType.Impression, T0), new IngestEvent("s1", "u2", null, InteractionType.Search, T0) { Text = "q" }],
            Rules(refresher), None);

        Assert.DoesNotContain("vectorPending", gateway.Json("userState", "u1", "aggregates")!, StringComparison.Ordinal);
        Assert.DoesNotContain("vectorPending", gateway.Json("userState", "u2", "aggregates")!, StringComparison.Ordinal);
        Assert.Equal(0, await store.RefreshVectorsAsync(refresher, 10, None));
        Assert.Empty(refresher.Calls);
    }

    [Fact]
    public async Task RefreshVectors_FindsTheMarkedUsersAcrossPartitions_ThenWritesEachVectorAndClearsItsMarkInOneBatch()
    {
        var gateway = new InMemoryCosmosGateway();
        var store = new CosmosFeatureStore(gateway, null);
        var refresher = new RecordingRefresher(RecordingRefresher.FeedbackSummary);
        await store.UpsertVideoAsync(new Video("v1", "One") { DurationSeconds = 100 }, None);
        await store.ApplyAsync([Watch("w1", "u2", "v1", T0, 95), Like("l1", "u1", "v1", T0)], Rules(refresher), None);
        await store.ApplyAsync([Watch("w2", "u1", "v2", T0.AddMinutes(1), 5), Like("l2", "u3", "v1", T0)], Rules(refresher), None);
        var applyBatches = gateway.Batches.Count;
        gateway.Queries.Clear();

        var first = await store.RefreshVectorsAsync(refresher, 2, None);

        // The first two marked users by id, each refreshed once from its whole history, whatever the number of applies.
        Assert.Equal(2, first);
        var query = gateway.Queries[0];
        Assert.Equal(CosmosQueries.PendingVectorUsers(2).Text, query.Text);
        Assert.Equal(2, query["@max"]);
        Assert.Equal(["u1", "u2"], refresher.Calls.Select(c => c.UserId));
        Assert.Equal(["l1", "w2"], refresher.Calls[0].History.Select(e => e.EventId));
        Assert.Equal(new SortedDictionary<string, double>(StringComparer.Ordinal) { ["v1"] = 100 }, refresher.Calls[0].Durations);
        var refreshes = gateway.Batches.Skip(applyBatches).ToArray();
        Assert.Equal(["u1", "u2"], refreshes.Select(b => b.Batch.PartitionKey));
        Assert.All(refreshes, b =>
        {
            Assert.True(b.Result.Succeeded);
            Assert.Equal([(CosmosOperationKind.Upsert, "vector"), (CosmosOperationKind.Replace, "aggregates")], b.Batch.Operations.Select(o => (o.Kind, o.Id)));
        });
        Assert.Equal(Json(new UserVector("summary-1", [2, 5, 100], T0.AddMinutes(1))), Json(await store.GetUserVectorAsync("u1", None)));
        Assert.DoesNotContain("vectorPending", gateway.Json("userState", "u1", "aggregates")!, StringComparison.Ordinal);
        Assert.Contains("\"vectorPending\":true", gateway.Json("userState", "u3", "aggregates")!, StringComparison.Ordinal);

        // The rest, then nothing.
        Assert.Equal(1, await store.RefreshVectorsAsync(refresher, 2, None));
        Assert.Equal(0, await store.RefreshVectorsAsync(refresher, 2, None));
        Assert.Equal(["u1", "u2", "u3"], refresher.Calls.Select(c => c.UserId));
        Assert.Equal(0, await store.RefreshVectorsAsync(refresher, 0, None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.RefreshVectorsAsync(refresher, -1, None));
    }

    [Fact]
    public async Task RefreshVectors_WithoutAVectorAnyMore_DeletesTheStoredOneWithItsEtag()
    {
        var gateway = new InMemoryCosmosGateway();
        var store = new CosmosFeatureStore(gateway, null);
        var answers = new Queue<UserVector?>([new UserVector("m1", [1f], T0), null]);
        var refresher = new RecordingRefresher(_ => answers.Dequeue());
        await store.ApplyAsync([Watch("w1", "u1", "v1", T0, 10)], Rules(refresher), None);
        await store.RefreshVectorsAsync(refresher, 10, None);
        Assert.NotNull(await store.GetUserVectorAsync("u1", None));

        await store.ApplyAsync([Like("l1", "u1", "v1", T0.AddMinutes(1))], Rules(refresher), None);
        Assert.Equal(1, await store.RefreshVectorsAsync(refresher, 10, None));

        var (batch, result) = gateway.Batches[^1];
        Assert.True(result.Succeeded);
        Assert.Equal([CosmosOperationKind.Delete, CosmosOperationKind.Replace], batch.Operations.Select(o => o.Kind));
        Assert.NotNull(batch.Operations[0].IfMatchEtag);
        Assert.Null(await store.GetUserVectorAsync("u1", None));
        Assert.Equal([("u1", "aggregates"), ("u1", "event:l1"), ("u1", "event:w1")], gateway.Ids("userState"));
    }

    [Fact]
    public async Task Apply_NewUser_AsksNothingAboutExistingInteractions_ARedeliveryAsksOnce()
    {
        var gateway = new InMemoryCosmosGateway();
        var store = new CosmosFeatureStore(gateway, null);
        var events = new[] { Watch("w1", "u1", "v1", T0, 10), Like("l1", "u1", "v1", T0) };

        await store.ApplyAsync(events, Rules(), None);
        Assert.Empty(gateway.Queries);

        var again = await store.ApplyAsync(events, Rules(), None);

        Assert.Equal([EventOutcome.Duplicate, EventOutcome.Duplicate], again.Outcomes);
        Assert.Equal(
            ["SELECT VALUE c.id FROM c WHERE c.userId = @key AND ARRAY_CONTAINS(@ids, c.id)", "SELECT VALUE c.id FROM c WHERE c.videoId = @key AND ARRAY_CONTAINS(@ids, c.id)"],
            gateway.Queries.Select(q => q.Text));
        Assert.Equal(new[] { "event:w1", "event:l1" }, (string[])gateway.Queries[0]["@ids"]);
        Assert.Equal(2, gateway.Batches.Count); // nothing written the second time
    }

    [Fact]
    public async Task Crash_AfterTheUserSide_RedeliveryCountsTheVideoSideExactlyOnce()
    {
        var gateway = new InMemoryCosmosGateway();
        var store = new CosmosFeatureStore(gateway, null);
        var events = new[] { Watch("w1", "u1", "v1", T0, 10), Watch("w2", "u2", "v1", T0, 20), Like("l1", "u1", "v2", T0) };
        gateway.BeforeBatch = batch =>
        {
            if (batch.Container == "videoState" && batch.PartitionKey == "v1")
            {
                throw new IOException("the process died");
            }
        };

        await Assert.ThrowsAsync<IOException>(() => store.ApplyAsync(events, Rules(), None));
        Assert.NotNull(await store.GetUserAggregatesAsync("u1", None)); // the user side landed
        Assert.Null(await store.GetVideoStatisticsAsync("v1", None));

        gateway.BeforeBatch = null;
        var redelivered = await store.ApplyAsync(events, Rules(), None);
        var thirdDelivery = await store.ApplyAsync(events, Rules(), None);

        Assert.Equal([EventOutcome.Duplicate, EventOutcome.Duplicate, EventOutcome.Duplicate], redelivered.Outcomes);
        Assert.Equal(3, thirdDelivery.Duplicates);
        var once = new CosmosFeatureStore(new InMemoryCosmosGateway(), null);
        await once.ApplyAsync(events, Rules(), None);
        Assert.Equal(await StoreSnapshot.TakeAsync(once, ["u1", "u2"], ["v1", "v2"]), await StoreSnapshot.TakeAsync(store, ["u1", "u2"], ["v1", "v2"]));
        Assert.Equal(2, (await store.GetVideoStatisticsAsync("v1", None))!.Views);
    }

    [Fact]
    public async Task Crash_BeforeOrDuringTheVectorRefresh_LeavesTheMark_AndTheNextRefreshCatchesUp()
    {
        var gateway = new InMemoryCosmosGateway();
        var store = new CosmosFeatureStore(gateway, null);
        var refresher = new RecordingRefresher(RecordingRefresher.FeedbackSummary);
        var w1 = Watch("w1", "u1", "v1", T0, 10);

        // The process dies after the apply, before any refresh: the mark stays with the aggregates.
        await store.ApplyAsync([w1], Rules(refresher), None);
        Assert.Null(await store.GetUserVectorAsync("u1", None));
        Assert.Contains("\"vectorPending\":true", gateway.Json("userState", "u1", "aggregates")!, StringComparison.Ordinal);

        // The redelivery is a plain duplicate: it neither refreshes nor touches the mark.
        Assert.Equal([EventOutcome.Duplicate], (await store.ApplyAsync([w1], Rules(refresher), None)).Outcomes);
        Assert.Empty(refresher.Calls);
        Assert.Contains("\"vectorPending\":true", gateway.Json("userState", "u1", "aggregates")!, StringComparison.Ordinal);

        // The next refresh dies reading the history: nothing is written, the mark stays.
        gateway.BeforeQuery = query =>
        {
            if (query.Text == CosmosQueries.UserInteractions("u1").Text)
            {
                throw new IOException("the process died");
            }
        };
        await Assert.ThrowsAsync<IOException>(() => store.RefreshVectorsAsync(refresher, 10, None));
        Assert.Null(await store.GetUserVectorAsync("u1", None));
        Assert.Contains("\"vectorPending\":true", gateway.Json("userState", "u1", "aggregates")!, StringComparison.Ordinal);

        // The one after catches up, exactly as if nothing had failed.
        gateway.BeforeQuery = null;
        Assert.Equal(1, await store.RefreshVectorsAsync(refresher, 10, None));
        Assert.Equal(Json(new UserVector("summary-1", [1, 10, 0], T0)), Json(await store.GetUserVectorAsync("u1", None)));
        Assert.DoesNotContain("vectorPending", gateway.Json("userState", "u1", "aggregates")!, StringComparison.Ordinal);
        var once = new CosmosFeatureStore(new InMemoryCosmosGateway(), null);
        await once.ApplyAsync([w1], Rules(refresher), None);
        await once.RefreshVectorsAsync(refresher, 10, None);
        Assert.Equal(await StoreSnapshot.TakeAsync(once, ["u1"], ["v1"]), await StoreSnapshot.TakeAsync(store, ["u1"], ["v1"]));

        refresher.Clear();
        Assert.Equal(0, await store.RefreshVectorsAsync(refresher, 10, None));
        Assert.Empty(refresher.Calls);
    }

    [Fact]
    public async Task RefreshVectors_ANewerApplyLandingBeforeTheRefreshBatch_Fails412_AndTheRefreshReadsAgain_SoItsMarkIsNeverLost()
    {
        var gateway = new InMemoryCosmosGateway();
        var store = new CosmosFeatureStore(gateway, null);
        var other = new CosmosFeatureStore(gateway, null);
        var refresher = new RecordingRefresher(RecordingRefresher.FeedbackSummary);
        await store.ApplyAsync([Watch("w1", "u1", "v1", T0, 10)], Rules(refresher), None);
        var interfered = false;
        gateway.BeforeBatch = batch =>
        {
            // After this refresh read the aggregates and the history, another worker applies a like of u1.
            if (!interfered && batch.Operations.Any(o => o.Id == CosmosDocuments.VectorId))
            {
                interfered = true;
                other.ApplyAsync([Like("l1", "u1", "v1", T0.AddMinutes(1))], Rules(refresher), None).GetAwaiter().GetResult();
            }
        };

        Assert.Equal(1, await store.RefreshVectorsAsync(refresher, 10, None));

        Assert.Contains(gateway.Batches, b => b.Batch.Operations.Any(o => o.Id == CosmosDocuments.VectorId) && b.Result == new CosmosBatchResult(1, 412));
        Assert.Equal([["w1"], ["w1", "l1"]], refresher.Calls.Select(c => c.History.Select(e => e.EventId).ToArray()));
        Assert.Equal(Json(new UserVector("summary-1", [2, 10, 0], T0.AddMinutes(1))), Json(await store.GetUserVectorAsync("u1", None)));
        Assert.DoesNotContain("vectorPending", gateway.Json("userState", "u1", "aggregates")!, StringComparison.Ordinal);
        Assert.Equal(0, await store.RefreshVectorsAsync(refresher, 10, None));
    }

    [Fact]
    public async Task RefreshVectors_RacingADeletion_WritesNoVectorForTheDeletedUser()
    {
        var gateway = new InMemoryCosmosGateway();
        var store = new CosmosFeatureStore(gateway, null);
        var deleter = new CosmosFeatureStore(gateway, null);
        var refresher = new RecordingRefresher(RecordingRefresher.FeedbackSummary);
        await store.ApplyAsync([Watch("w1", "u1", "v1", T0, 10)], Rules(refresher), None);
        var deleted = false;
        gateway.BeforeBatch = batch =>
        {
            if (!deleted && batch.Operations.Any(o => o.Id == CosmosDocuments.VectorId))
            {
                deleted = true;
                Assert.True(deleter.DeleteUserAsync("u1", T0.AddHours(1), None).GetAwaiter().GetResult());
            }
        };

        // The refresh batch fails on the tombstone; read again, the user has no mark any more: not refreshed.
        Assert.Equal(0, await store.RefreshVectorsAsync(refresher, 10, None));

        Assert.Single(refresher.Calls);
        Assert.Contains(gateway.Batches, b => b.Batch.Operations.Any(o => o.Id == CosmosDocuments.VectorId) && b.Result == new CosmosBatchResult(1, 412));
        Assert.Null(await store.GetUserVectorAsync("u1", None));
        Assert.Equal([("u1", "aggregates"), ("u1", "event:w1")], gateway.Ids("userState"));
        Assert.Equal("""{"id":"aggregates","userId":"u1","deletedAt":"2025-06-02T11:00:00+00:00","kind":"aggregates"}""", gateway.Json("userState", "u1", "aggregates"));
        Assert.Equal(0, await store.RefreshVectorsAsync(refresher, 10, None));
    }

    [Fact]
    public async Task RefreshVectors_EndlessContention_GivesUpAsStoreUnavailable_AndKeepsTheMark()
    {
        var gateway = new InMemoryCosmosGateway();
        var store = new CosmosFeatureStore(gateway, new CosmosFeatureStoreOptions { MaxConflictRetries = 2 });
        var refresher = new RecordingRefresher(RecordingRefresher.FeedbackSummary);
        await store.ApplyAsync([Watch("w1", "u1", "v1", T0, 10)], Rules(refresher), None);
        gateway.BeforeBatch = _ =>
        {
            // Someone rewrites the aggregates (keeping the mark) before every refresh batch.
            var current = CosmosDocuments.Deserialize<UserAggregatesDocument>(gateway.Json("userState", "u1", "aggregates")!);
            gateway.Put("userState", "u1", current);
        };

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.RefreshVectorsAsync(refresher, 10, None));

        Assert.Equal("Cosmos DB: the state of user 'u1' kept changing under 3 vector refreshes (contention).", error.Message);
        Assert.Equal(3, refresher.Calls.Count);
        Assert.Null(await store.GetUserVectorAsync("u1", None));
        Assert.Contains("\"vectorPending\":true", gateway.Json("userState", "u1", "aggregates")!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentWriter_ChangesTheAggregatesFirst_TheBatchFails412_ReReadsAndFoldsBoth()
    {
        var gateway = new InMemoryCosmosGateway();
        var store = new CosmosFeatureStore(gateway, null);
        var other = new CosmosFeatureStore(gateway, null);
        await store.ApplyAsync([Watch("w0", "u1", "v1", T0, 1)], Rules(), None);
        var interfered = false;
        gateway.BeforeBatch = batch =>
        {
            if (!interfered && batch.Container == "userState" && batch.Events.Any(e => e.EventId == "w1"))
            {
                interfered = true;
                other.ApplyAsync([Watch("x1", "u1", "v2", T0.AddMinutes(1), 5)], Rules(), None).GetAwaiter().GetResult();
            }
        };

        var result = await store.ApplyAsync([Watch("w1", "u1", "v1", T0.AddMinutes(2), 2)], Rules(), None);

        Assert.Equal([EventOutcome.Applied], result.Outcomes);
        Assert.Contains(gateway.Batches, b => b.Batch.Events.Any(e => e.EventId == "w1") && b.Result == new CosmosBatchResult(1, 412));
        var aggregates = await store.GetUserAggregatesAsync("u1", None);
        Assert.Equal(3, aggregates!.Counts["watch"]);
        Assert.Equal(8_000, aggregates.WatchMilliseconds);
        Assert.Equal(["w0", "x1", "w1"], (await store.GetUserEventsAsync("u1", None)).Select(e => e.EventId));
    }

    [Fact]
    public async Task ConcurrentWriter_AppliesTheSameEventFirst_ItIsADuplicateHere_AndCountedOnce()
    {
        var gateway = new InMemoryCosmosGateway();
        var store = new CosmosFeatureStore(gateway, null);
        var other = new CosmosFeatureStore(gateway, null);
        await store.ApplyAsync([Watch("w0", "u1", "v1", T0, 1)], Rules(), None);
        var w1 = Watch("w1", "u1", "v1", T0.AddMinutes(1), 2);
        var l1 = Like("l1", "u1", "v1", T0.AddMinutes(2));
        var interfered = false;
        gateway.BeforeBatch = batch =>
        {
            // Between this store's duplicate check and its batch, another worker applies w1 (a redelivery racing).
            if (!interfered && batch.Container == "userState" && batch.Events.Contains(l1))
            {
                interfered = true;
                other.ApplyAsync([w1], Rules(), None).GetAwaiter().GetResult();
            }
        };

        var result = await store.ApplyAsync([w1, l1], Rules(), None);

        Assert.Equal([EventOutcome.Duplicate, EventOutcome.Applied], result.Outcomes);
        Assert.Contains(gateway.Batches, b => b.Batch.Events.Contains(l1) && b.Result == new CosmosBatchResult(0, 409));
        var statistics = await store.GetVideoStatisticsAsync("v1", None);
        Assert.Equal((2L, 1L, 3_000L), (statistics!.Views, statistics.Likes, statistics.WatchMilliseconds));
        Assert.Equal(2, (await store.GetUserAggregatesAsync("u1", None))!.Counts["watch"]);
    }

    [Fact]
    public async Task EndlessContention_GivesUpAsStoreUnavailable()
    {
        var gateway = new InMemoryCosmosGateway();
        var store = new CosmosFeatureStore(gateway, new CosmosFeatureStoreOptions { MaxConflictRetries = 3 });
        await store.ApplyAsync([Watch("w0", "u1", "v1", T0, 1)], Rules(), None);
        var bump = 0;
        gateway.BeforeBatch = batch =>
        {
            // Someone rewrites the aggregates before every batch of ours.
            var current = CosmosDocuments.Deserialize<UserAggregatesDocument>(gateway.Json("userState", "u1", "aggregates")!);
            gateway.Put("userState", "u1", current with { DeletedAt = T0.AddYears(-1).AddTicks(++bump) });
        };

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ApplyAsync([Watch("w1", "u1", "v1", T0.AddMinutes(1), 2)], Rules(), None));

        Assert.Equal("Cosmos DB: the state of user 'u1' kept changing under 4 attempts (contention).", error.Message);
        Assert.Equal(4, gateway.Batches.Count(b => b.Result.FailedStatus == 412));
        Assert.Equal(["w0"], (await store.GetUserEventsAsync("u1", None)).Select(e => e.EventId));
    }

    [Fact]
    public async Task RefusedOperation_IsAnErrorNamingIt_NotARetry()
    {
        var gateway = new RefusingGateway(new InMemoryCosmosGateway(), status: 413);
        var store = new CosmosFeatureStore(gateway, null);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.ApplyAsync([Watch("w1", "u1", "v1", T0, 1)], Rules(), None));

        Assert.Equal("Cosmos DB refused the batch for user 'u1': operation 0 (event:w1) failed with HTTP 413.", error.Message);
    }

    [Fact]
    public async Task ManyEventsOfOneUserAndVideo_AreAppliedInBatchesOfAtMost99Events()
    {
        var gateway = new InMemoryCosmosGateway();
        var store = new CosmosFeatureStore(gateway, null);
        var events = Enumerable.Range(0, 250).Select(i => Watch($"w{i:D3}", "u1", "v1", T0.AddMinutes(i), 1)).ToArray();

        var result = await store.ApplyAsync(events, Rules(), None);
        var again = await store.ApplyAsync(events, Rules(), None);

        Assert.Equal(250, result.Applied);
        Assert.Equal(250, again.Duplicates);
        Assert.Equal([100, 100, 53, 100, 100, 53], gateway.Batches.Select(b => b.Batch.Operations.Count));
        Assert.Equal(250, (await store.GetUserAggregatesAsync("u1", None))!.Counts["watch"]);
        Assert.Equal(250, (await store.GetVideoStatisticsAsync("v1", None))!.Views);
        Assert.Equal(250, (await store.GetUserEventsAsync("u1", None)).Count);
    }

    [Fact]
    public async Task SameEventIdTwiceInOneCall_TheSecondIsADuplicate()
    {
        var store = new CosmosFeatureStore(new InMemoryCosmosGateway(), null);
        var w1 = Watch("w1", "u1", "v1", T0, 10);

        var result = await store.ApplyAsync([w1, Like("l1", "u1", "v1", T0), w1], Rules(), None);

        Assert.Equal([EventOutcome.Applied, EventOutcome.Applied, EventOutcome.Duplicate], result.Outcomes);
        Assert.Equal(1, (await store.GetVideoStatisticsAsync("v1", None))!.Views);
    }

    [Fact]
    public async Task DeleteUser_LeavesATombstone_RecordsTheDeletion_ErasesTheInteractions_AndRemovesEverythingElse()
    {
        var gateway = new InMemoryCosmosGateway();
        var store = new CosmosFeatureStore(gateway, null);
        var refresher = new RecordingRefresher(RecordingRefresher.FeedbackSummary);
        await store.UpsertUserAsync(new UserProfile("u1") { Country = "FR" }, None);
        await store.ApplyAsync([Watch("w1", "u1", "v1", T0, 10), Like("l1", "u1", "v1", T0)], Rules(refresher), None);
        await store.RefreshVectorsAsync(refresher, 10, None);
        Assert.Equal([("u1", "aggregates"), ("u1", "event:l1"), ("u1", "event:w1"), ("u1", "profile"), ("u1", "vector")], gateway.Ids("userState"));

        Assert.True(await store.DeleteUserAsync("u1", T0.AddHours(1), None));
        Assert.False(await store.DeleteUserAsync("u1", T0.AddMinutes(30), None)); // nothing left; the later time stays

        // Each raw interaction is left as its id, partition key and time to live: a redelivery stays a duplicate.
        Assert.Equal([("u1", "aggregates"), ("u1", "event:l1"), ("u1", "event:w1")], gateway.Ids("userState"));
        Assert.Equal("""{"id":"event:w1","userId":"u1","ttl":15552000,"kind":"erased"}""", gateway.Json("userState", "u1", "event:w1"));
        Assert.Equal("""{"id":"event:l1","userId":"u1","ttl":15552000,"kind":"erased"}""", gateway.Json("userState", "u1", "event:l1"));
        Assert.Empty(await store.GetUserEventsAsync("u1", None));
        Assert.Equal("""{"id":"aggregates","userId":"u1","deletedAt":"2025-06-02T11:00:00+00:00","kind":"aggregates"}""", gateway.Json("userState", "u1", "aggregates"));
        Assert.Equal("""{"id":"deletion","userId":"u1","deletedAt":"2025-06-02T11:00:00+00:00","kind":"deletion"}""", gateway.Json("deletions", "u1", "deletion"));
        Assert.Equal([("v1", "event:l1"), ("v1", "event:w1"), ("v1", "statistics")], gateway.Ids("videoState")); // anonymous counts stay
        var state = await store.GetServingStateAsync("u1", None);
        Assert.Equal((null, 0, (DateTimeOffset?)T0.AddHours(1)), (state.Vector, state.ConsumedVideoIds.Count, state.DeletedAt));
    }

    [Fact]
    public async Task DeleteUser_ARedeliveryRacingTheDeletion_FailsOnTheErasedInteraction_AndStaysADuplicate()
    {
        var gateway = new InMemoryCosmosGateway();
        var store = new CosmosFeatureStore(gateway, null);
        var other = new CosmosFeatureStore(gateway, null);
        await store.ApplyAsync([Watch("w0", "u1", "v1", T0, 1)], Rules(), None);
        var ahead = Watch("ahead", "u1", "v1", T0.AddHours(2), 10); // a client clock running ahead of the deletion time
        var interfered = false;
        gateway.BeforeBatch = batch =>
        {
            // After this store found no interaction "ahead", another worker applies it, then the user is deleted.
            if (!interfered && batch.Container == "userState" && batch.Events.Contains(ahead))
            {
                interfered = true;
                other.ApplyAsync([ahead], Rules(), None).GetAwaiter().GetResult();
                other.DeleteUserAsync("u1", T0.AddHours(1), None).GetAwaiter().GetResult();
            }
        };

        var result = await store.ApplyAsync([ahead], Rules(), None);

        Assert.Equal([EventOutcome.Duplicate], result.Outcomes);
        Assert.Contains(gateway.Batches, b => b.Batch.Events.Contains(ahead) && b.Result == new CosmosBatchResult(0, 409));
        Assert.Null(await store.GetUserAggregatesAsync("u1", None));
        Assert.Empty(await store.GetUserEventsAsync("u1", None));
        Assert.Equal(2, (await store.GetVideoStatisticsAsync("v1", None))!.Views);
    }

    [Fact]
    public async Task ServingState_ReadsTheVectorAndTheTombstone_AndQueriesTheConsumedVideosInTheUserPartition()
    {
        var gateway = new InMemoryCosmosGateway();
        var store = new CosmosFeatureStore(gateway, null);
        var refresher = new RecordingRefresher(RecordingRefresher.FeedbackSummary);
        await store.ApplyAsync(
        [
            Watch("w1", "u1", "v1", T0, 10), Like("l1", "u1", "v1", T0), Like("l2", "u1", "v2", T0),
            new IngestEvent("i1", "u1", "v3", InteractionType.Impression, T0), new IngestEvent("s1", "u1", null, InteractionType.Search, T0) { Text = "q" },
            Like("x1", "u2", "v4", T0),
        ], Rules(refresher), None);
        await store.RefreshVectorsAsync(refresher, 10, None);
        gateway.Queries.Clear();

        var state = await store.GetServingStateAsync("u1", None);

        Assert.Equal(["v1", "v2"], state.ConsumedVideoIds.Order(StringComparer.Ordinal));
        Assert.Equal(Json(await store.GetUserVectorAsync("u1", None)), Json(state.Vector));
        Assert.Null(state.DeletedAt);
        var query = Assert.Single(gateway.Queries);
        Assert.Equal(CosmosQueries.ConsumedVideoIds("u1").Text, query.Text);
    }

    [Fact]
    public async Task DeleteUser_RacingABatch_TheBatchFailsOnTheTombstoneAndItsEventsAreRefused()
    {
        var gateway = new InMemoryCosmosGateway();
        var store = new CosmosFeatureStore(gateway, null);
        var deleter = new CosmosFeatureStore(gateway, null);
        await store.ApplyAsync([Watch("w0", "u1", "v1", T0, 1)], Rules(), None);
        var deleted = false;
        gateway.BeforeBatch = batch =>
        {
            // After this store read the aggregates and checked for duplicates, the user is deleted.
            if (!deleted && batch.Events.Any(e => e.EventId == "w1"))
            {
                deleted = true;
                deleter.DeleteUserAsync("u1", T0.AddHours(1), None).GetAwaiter().GetResult();
            }
        };

        var result = await store.ApplyAsync([Watch("w1", "u1", "v1", T0.AddMinutes(5), 2)], Rules(), None);

        Assert.Equal([EventOutcome.UserDeleted], result.Outcomes);
        Assert.Empty(await store.GetUserEventsAsync("u1", None));
        Assert.Null(await store.GetUserAggregatesAsync("u1", None));
        Assert.Equal(1, (await store.GetVideoStatisticsAsync("v1", None))!.Views);
    }

    [Fact]
    public async Task EnsureCreated_AsksForTheFourContainers()
    {
        var gateway = new InMemoryCosmosGateway();

        await new CosmosFeatureStore(gateway, null).EnsureCreatedAsync(None);

        Assert.Equal(["userState", "videoState", "catalogue", "deletions"], gateway.Created!.Select(c => c.Id));
    }

    [Fact]
    public async Task OddIds_AreStoredUnderSafeIds_AndReadBackUnchanged()
    {
        var gateway = new InMemoryCosmosGateway();
        var store = new CosmosFeatureStore(gateway, null);
        var user = "user?#\\x";
        var video = new string('v', 256);
        var e = Watch("event/with?odd#chars", user, video, T0, 10);
        await store.UpsertVideoAsync(new Video(video, "Long id") { DurationSeconds = 10 }, None);

        await store.ApplyAsync([e], Rules(), None);

        Assert.Equal([e], await store.GetUserEventsAsync(user, None));
        Assert.Equal(1, (await store.GetVideoStatisticsAsync(video, None))!.Completions);
        Assert.Equal(video, (await store.GetVideoAsync(video, None))!.Id);
        Assert.Equal([EventOutcome.Duplicate], (await store.ApplyAsync([e], Rules(), None)).Outcomes);
        Assert.Contains((user, CosmosDocuments.SafeId("event:event/with?odd#chars")), gateway.Ids("userState"));
    }

    [Fact]
    public async Task RandomDeliveries_EndExactlyAsTheSqliteStore()
    {
        using var temp = new TempDirectory();
        var sqlite = new SqliteFeatureStore(new SqliteDatabase(temp.File("store.db")));
        var cosmos = new CosmosFeatureStore(new InMemoryCosmosGateway(), null);
        var videos = Enumerable.Range(0, 20).Select(i => $"v{i}").ToArray();
        foreach (var store in new IFeatureStore[] { sqlite, cosmos })
        {
            for (var i = 0; i < videos.Length; i++)
            {
                await store.UpsertVideoAsync(new Video(videos[i], "Video " + i) { DurationSeconds = i % 4 == 0 ? null : 30 * (i + 1) }, None);
            }
        }

        var events = TestEvents.Random(seed: 42, count: 1200, users: 12, videos: 20);
        var users = events.Select(e => e.UserId).Distinct().Order(StringComparer.Ordinal).ToArray();
        var random = new Random(43);
        var deliveries = TestEvents.Batches(44, events, 150).Concat(TestEvents.Batches(45, events.OrderBy(_ => random.Next()).ToArray(), 80)).ToArray();
        random.Shuffle(deliveries);
        var sqliteRefresher = new RecordingRefresher(RecordingRefresher.FeedbackSummary);
        var cosmosRefresher = new RecordingRefresher(RecordingRefresher.FeedbackSummary);
        var sqliteRules = Rules(sqliteRefresher, recent: 6);
        var cosmosRules = Rules(cosmosRefresher, recent: 6);
        // Halfway, u3 and u5 delete their data as of the middle of the events' span: redeliveries of their earlier events
        // are refused, of later ones already applied are duplicates (their raw interactions were erased, not forgotten),
        // and new later ones are applied again. The Cosmos store refreshes a few vectors at random points, SQLite only
        // at the end: the vectors depend on the history, not on when they were refreshed.
        var deletedAt = T0.AddDays(1.5);
        for (var i = 0; i < deliveries.Length; i++)
        {
            var sqliteResult = await sqlite.ApplyAsync(deliveries[i].Events, sqliteRules, None);
            var cosmosResult = await cosmos.ApplyAsync(deliveries[i].Events, cosmosRules, None);
            Assert.Equal(sqliteResult.Outcomes, cosmosResult.Outcomes);
            if (random.Next(3) == 0)
            {
                await cosmos.RefreshVectorsAsync(cosmosRefresher, random.Next(1, 4), None);
            }

            if (i == deliveries.Length / 2)
            {
                foreach (var user in new[] { "u3", "u5" })
                {
                    Assert.Equal(await sqlite.DeleteUserAsync(user, deletedAt, None), await cosmos.DeleteUserAsync(user, deletedAt, None));
                }
            }
        }

        await sqlite.RefreshVectorsAsync(sqliteRefresher, int.MaxValue, None);
        await cosmos.RefreshVectorsAsync(cosmosRefresher, int.MaxValue, None);
        var expected = await StoreSnapshot.TakeAsync(sqlite, users, videos);
        Assert.Equal(expected, await StoreSnapshot.TakeAsync(cosmos, users, videos));
        Assert.Contains("\"hourlyViews\":{", expected, StringComparison.Ordinal);
        Assert.Contains("summary-1", expected, StringComparison.Ordinal);
        foreach (var user in users)
        {
            var (fromSqlite, fromCosmos) = (await sqlite.GetServingStateAsync(user, None), await cosmos.GetServingStateAsync(user, None));
            Assert.Equal(fromSqlite.ConsumedVideoIds.Order(StringComparer.Ordinal), fromCosmos.ConsumedVideoIds.Order(StringComparer.Ordinal));
            Assert.Equal(fromSqlite.DeletedAt, fromCosmos.DeletedAt);
            Assert.Equal(Json(fromSqlite.Vector), Json(fromCosmos.Vector));
        }

        // The deleted users kept only what they did after the deletion time.
        var u3 = await cosmos.GetUserEventsAsync("u3", None);
        Assert.NotEmpty(u3);
        Assert.All(u3, e => Assert.True(e.Timestamp > deletedAt));
        Assert.Equal(deletedAt, (await cosmos.GetServingStateAsync("u3", None)).DeletedAt);
    }

    /// <summary>A gateway whose batches are refused with <paramref name="status"/> on their first operation.</summary>
    private sealed class RefusingGateway(ICosmosGateway inner, int status) : ICosmosGateway
    {
        public Task EnsureCreatedAsync(IReadOnlyList<Microsoft.Azure.Cosmos.ContainerProperties> containers, CancellationToken cancellationToken) =>
            inner.EnsureCreatedAsync(containers, cancellationToken);

        public Task<Stored<T>?> ReadAsync<T>(string container, string partitionKey, string id, CancellationToken cancellationToken) =>
            inner.ReadAsync<T>(container, partitionKey, id, cancellationToken);

        public Task<IReadOnlyList<T>> QueryAsync<T>(string container, string partitionKey, CosmosQuery query, CancellationToken cancellationToken) =>
            inner.QueryAsync<T>(container, partitionKey, query, cancellationToken);

        public Task<IReadOnlyList<T>> QueryAcrossPartitionsAsync<T>(string container, CosmosQuery query, CancellationToken cancellationToken) =>
            inner.QueryAcrossPartitionsAsync<T>(container, query, cancellationToken);

        public Task<IReadOnlyList<T>> ReadManyAsync<T>(string container, IReadOnlyList<(string Id, string PartitionKey)> items, CancellationToken cancellationToken) =>
            inner.ReadManyAsync<T>(container, items, cancellationToken);

        public Task<CosmosBatchResult> ExecuteAsync(CosmosBatch batch, CancellationToken cancellationToken) => Task.FromResult(new CosmosBatchResult(0, status));

        public Task<bool> UpsertAsync(string container, string partitionKey, object document, CancellationToken cancellationToken) =>
            inner.UpsertAsync(container, partitionKey, document, cancellationToken);

        public Task<bool> DeleteAsync(string container, string partitionKey, string id, CancellationToken cancellationToken) =>
            inner.DeleteAsync(container, partitionKey, id, cancellationToken);
    }
}
