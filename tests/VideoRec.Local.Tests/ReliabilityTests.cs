using VideoRec.Core.Ingestion;
using VideoRec.Local.Sqlite;
using VideoRec.Local.Tests.Support;
using Xunit.Abstractions;

namespace VideoRec.Local.Tests;

/// <summary>
/// The reliability requirements of ingestion, end to end on the seeded <see cref="Scenario"/> (20,000 events, fold-in
/// against a trained bundle, deleted users): a worker killed in the middle of batches and restarted, and delivery of
/// every batch twice with events shuffled across batches, both leave the store exactly as one clean in-order run does.
/// </summary>
public sealed class ReliabilityTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(3);

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task WorkerKilledMidBatchAndRestarted_LeavesTheStoreIdenticalToACleanRun()
    {
        var scenario = Scenario.Instance;
        var events = Files.Write(_directory.File("events.jsonl"), scenario.JsonLines);
        var clean = _directory.File("clean.db");
        var killed = _directory.File("killed.db");
        foreach (var db in new[] { clean, killed })
        {
            await scenario.PrepareAsync(db);
            var ingest = await VrecProcess.RunAsync(ProcessTimeout, "ingest", "--db", db, "--file", events, "--batch-size", "200");
            Assert.True(ingest.ExitCode == 0, ingest.ToString());
            Assert.Contains("Queued 20,000 events in 100 batches; refused 0.", ingest.Out, StringComparison.Ordinal);
            Assert.Equal(100, SqliteFile.Count(db, "queue"));
        }

        _directory.ClearPools();

        // (a) One clean run.
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var cleanRun = await VrecProcess.RunAsync(ProcessTimeout, "worker", "--db", clean, "--model", scenario.ModelRoot, "--until-empty", "--no-embeddings");
        Assert.True(cleanRun.ExitCode == 0, cleanRun.ToString());
        var summary = System.Text.RegularExpressions.Regex.Replace(cleanRun.Out, @"\s+", " ");
        Assert.Matches(@"Processed 100 queue messages and refreshed \d+ user vectors; 0 poison entries in total\.", summary);
        output.WriteLine($"clean worker run: {stopwatch.ElapsedMilliseconds} ms for 100 batches");

        // (b) Killed three times while draining, then left to finish. Each kill waits until some but not all messages
        // are done and the worker is inside a write transaction (applying a batch, as good as always), then kills it.
        var random = new Random(7);
        var killedWithWorkLeft = new List<long>();
        foreach (var target in new[] { 85, 65, 45 }) // well before the end: under load the poll can lag the worker by a dozen batches
        {
            // One message per round, so the queue shrinks one batch at a time and there is always a batch to land in.
            using var worker = VrecProcess.Start("worker", "--db", killed, "--model", scenario.ModelRoot, "--until-empty", "--receive", "1", "--merge-up-to", "200", "--no-embeddings");
            using (var connection = SqliteFile.Open(killed, readOnly: false))
            {
                var deadline = DateTime.UtcNow + ProcessTimeout;
                while (SqliteFile.Count(connection, "queue") > target && !worker.HasExited)
                {
                    Assert.True(DateTime.UtcNow < deadline, $"the worker did not get down to {target} messages in time.\n{worker.Result()}");
                    await Task.Delay(5);
                }

                await Task.Delay(random.Next(0, 40)); // land somewhere inside the next batch
                while (!SqliteFile.IsWriteLocked(connection) && !worker.HasExited)
                {
                    Assert.True(DateTime.UtcNow < deadline, $"the worker never started a transaction.\n{worker.Result()}");
                    await Task.Delay(1);
                }

                Assert.False(worker.HasExited, $"the worker finished before it could be killed.\n{worker.Result()}");
                worker.Kill();
            }

            var left = SqliteFile.Count(killed, "queue");
            killedWithWorkLeft.Add(left);
            output.WriteLine($"killed inside a write transaction with {left} messages left (target {target})");
            // The dead worker leased every message it received; let those leases run out rather than wait minutes.
            SqliteFile.ExpireLeases(killed);
        }

        var last = await VrecProcess.RunAsync(ProcessTimeout, "worker", "--db", killed, "--model", scenario.ModelRoot, "--until-empty", "--no-embeddings");
        Assert.True(last.ExitCode == 0, last.ToString());
        Assert.All(killedWithWorkLeft, left => Assert.InRange(left, 1, 99));

        SqliteFile.AssertSameStore(clean, killed);
        AssertScenarioOutcome(clean);
    }

    [Fact]
    public async Task EveryBatchDeliveredTwice_EventsShuffledAcrossBatches_LeavesTheStoreIdenticalToOneInOrderDelivery()
    {
        var scenario = Scenario.Instance;
        var inOrder = _directory.File("in-order.db");
        var shuffled = _directory.File("shuffled.db");

        await ProcessAsync(scenario, inOrder, Deliveries.InOrder(scenario.Events));
        var messages = Deliveries.ShuffledTwice(scenario.Events, seed: 99);
        await ProcessAsync(scenario, shuffled, messages);

        Assert.Equal(2 * messages.Distinct().Count(), messages.Count);
        SqliteFile.AssertSameStore(inOrder, shuffled);
        AssertScenarioOutcome(inOrder);
    }

    /// <summary>Prepares <paramref name="path"/>, queues <paramref name="messages"/> and drains them in-process as the worker does.</summary>
    private static async Task ProcessAsync(Scenario scenario, string path, IReadOnlyList<EventBatch> messages)
    {
        var database = new SqliteDatabase(path);
        var store = new SqliteFeatureStore(database);
        var queue = new SqliteEventQueue(database, TimeProvider.System);
        await scenario.PrepareAsync(store);
        foreach (var message in messages)
        {
            await queue.EnqueueAsync(message, CancellationToken.None);
        }

        var rules = scenario.Rules();
        var worker = new QueueWorker(queue, new EventBatchProcessor(store, rules, queue), rules.Options);
        while (await worker.DrainOnceAsync(32, CancellationToken.None) > 0)
        {
        }

        Assert.Equal(0, queue.Count());
        Assert.Empty(queue.Poisoned());
    }

    /// <summary>The comparison is only as good as what the store holds: check it holds all of it.</summary>
    private static void AssertScenarioOutcome(string path)
    {
        var scenario = Scenario.Instance;
        var kept = scenario.Events.Where(e => !scenario.Deletions.Any(d => d.UserId == e.UserId && e.Timestamp <= d.At)).ToArray();
        Assert.InRange(kept.Length, 1, Scenario.EventCount - 1); // some events were dropped as deleted, most kept
        Assert.Equal(kept.Length, SqliteFile.Count(path, "events"));
        Assert.Equal(kept.Select(e => e.UserId).Distinct().Count(), SqliteFile.Count(path, "user_aggregates"));
        Assert.Equal(kept.Where(e => e.VideoId is not null).Select(e => e.VideoId).Distinct().Count(), SqliteFile.Count(path, "video_statistics"));
        Assert.Equal(Scenario.VideoCount, SqliteFile.Count(path, "videos"));
        Assert.Equal(Scenario.UserCount - scenario.Deletions.Count, SqliteFile.Count(path, "users"));
        Assert.Equal(scenario.Deletions.Count, SqliteFile.Count(path, "deleted_users"));
        // Fold-in ran: nearly every user has a vector (not those whose feedback is only on videos the model lacks).
        Assert.InRange(SqliteFile.Count(path, "user_vectors"), Scenario.UserCount * 3 / 4, Scenario.UserCount);
    }
}
