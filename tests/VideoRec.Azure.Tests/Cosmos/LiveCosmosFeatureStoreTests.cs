using VideoRec.Azure.Cosmos;
using VideoRec.Azure.Tests.Support;
using VideoRec.Contracts;
using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;
using VideoRec.Local.Sqlite;

namespace VideoRec.Azure.Tests.Cosmos;

/// <summary>
/// The Cosmos DB store against a live account (skipped without <c>VIDEOREC_COSMOS_CONNECTION</c>): the real containers,
/// indexing policy, transactional batches, queries (the cross-partition one of the vector refresh too) and deletion,
/// compared with the SQLite store.
/// </summary>
public sealed class LiveCosmosFeatureStoreTests
{
    private static CancellationToken None => CancellationToken.None;

    [LiveCosmosFact]
    public async Task RandomDeliveries_OnALiveAccount_EndExactlyAsTheSqliteStore()
    {
        var (cosmos, drop) = await LiveCosmos.CreateStoreAsync("vrec-live");
        try
        {
            using var temp = new TempDirectory();
            var sqlite = new SqliteFeatureStore(new SqliteDatabase(temp.File("store.db")));
            var videos = Enumerable.Range(0, 8).Select(i => $"v{i}").ToArray();
            foreach (var store in new IFeatureStore[] { sqlite, cosmos })
            {
                for (var i = 0; i < videos.Length; i++)
                {
                    await store.UpsertVideoAsync(new Video(videos[i], "Video " + i) { DurationSeconds = i % 3 == 0 ? null : 60 * (i + 1) }, None);
                }
            }

            var events = TestEvents.Random(seed: 7, count: 300, users: 5, videos: 8);
            var users = events.Select(e => e.UserId).Distinct().Order(StringComparer.Ordinal).ToArray();
            var deliveries = TestEvents.Batches(8, events, 120).Concat(TestEvents.Batches(9, events, 40)).ToArray();
            var sqliteRules = new IngestionRules(new IngestionOptions { RecentListLength = 5 }, new RecordingRefresher(RecordingRefresher.FeedbackSummary));
            var cosmosRules = new IngestionRules(new IngestionOptions { RecentListLength = 5 }, new RecordingRefresher(RecordingRefresher.FeedbackSummary));
            foreach (var delivery in deliveries)
            {
                Assert.Equal((await sqlite.ApplyAsync(delivery.Events, sqliteRules, None)).Outcomes, (await cosmos.ApplyAsync(delivery.Events, cosmosRules, None)).Outcomes);
            }

            // Vectors are refreshed after the applies, in rounds of two users for Cosmos DB (TOP across partitions).
            await sqlite.RefreshVectorsAsync(sqliteRules.Vectors!, int.MaxValue, None);
            var rounds = 0;
            while (await cosmos.RefreshVectorsAsync(cosmosRules.Vectors!, 2, None) > 0)
            {
                rounds++;
            }

            Assert.Equal((users.Length + 1) / 2, rounds);
            Assert.Equal(await StoreSnapshot.TakeAsync(sqlite, users, videos), await StoreSnapshot.TakeAsync(cosmos, users, videos));
            var before = await cosmos.GetServingStateAsync(users[0], None);
            Assert.Equal((await sqlite.GetServingStateAsync(users[0], None)).ConsumedVideoIds.Order(StringComparer.Ordinal), before.ConsumedVideoIds.Order(StringComparer.Ordinal));
            Assert.NotNull(before.Vector);

            Assert.True(await cosmos.DeleteUserAsync(users[0], TestEvents.T0.AddDays(10), None));
            Assert.Empty(await cosmos.GetUserEventsAsync(users[0], None));
            var after = await cosmos.GetServingStateAsync(users[0], None);
            Assert.Equal((null, 0, (DateTimeOffset?)TestEvents.T0.AddDays(10)), (after.Vector, after.ConsumedVideoIds.Count, after.DeletedAt));
            Assert.Equal(EventOutcome.UserDeleted, (await cosmos.ApplyAsync([events.First(e => e.UserId == users[0])], cosmosRules, None)).Outcomes.Single());
        }
        finally
        {
            await drop();
        }
    }
}
