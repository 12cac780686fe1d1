using VideoRec.Core.Simulation;
using VideoRec.Core.Simulation.ClosedLoop;
using VideoRec.Local.Sqlite;
using VideoRec.Local.Tests.Support;

namespace VideoRec.Local.Tests;

/// <summary>The simulator's closed loop through the embedded store and impression log.</summary>
public sealed class ClosedLoopIngestionTests
{
    [Fact]
    public async Task Every_simulated_event_is_applied_once_with_its_request_id_and_every_list_is_logged()
    {
        using var directory = new TempDirectory();
        var database = new SqliteDatabase(directory.File("sim.db"));
        var log = new SqliteImpressionLog(database);
        var store = new SqliteFeatureStore(database);
        var world = SimulatedWorld.Create(new SimulationOptions { Users = 60, Videos = 200, Topics = 8, Seed = 3 });

        var result = await new ClosedLoopSimulation(world, new ClosedLoopOptions { Arms = ["wals", "pipeline"], Days = 2, WarmupDays = 2 }, store, log).RunAsync();

        Assert.Equal(result.Ingestion.Events, result.Ingestion.Accepted);
        Assert.Equal(result.Ingestion.Accepted, result.Ingestion.Applied);
        var logged = await log.ListAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue, CancellationToken.None);
        Assert.Equal(result.Ingestion.Impressions, logged.Count);
        Assert.Equal(result.Arms.Sum(a => a.Requests), logged.Count);
        // Loop events carry the request id of a logged list of the same user that shows the video.
        var byRequest = logged.ToDictionary(i => i.RequestId);
        var loopEvents = 0;
        foreach (var user in world.Users.Take(20))
        {
            foreach (var e in await store.GetUserEventsAsync(user.Id, CancellationToken.None))
            {
                Assert.Equal(e.EventId.StartsWith("loop-", StringComparison.Ordinal), e.RequestId is not null);
                if (e.RequestId is { } request)
                {
                    loopEvents++;
                    Assert.Equal(user.Id, byRequest[request].UserId);
                    Assert.Contains(byRequest[request].Items, i => i.VideoId == e.VideoId);
                }
            }
        }

        Assert.True(loopEvents > 0);
    }
}
