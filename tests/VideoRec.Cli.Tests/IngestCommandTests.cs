using System.Globalization;
using System.Text;
using VideoRec.Cli.Tests.Support;
using VideoRec.Core.Bundles;
using VideoRec.Core.Ingestion;
using VideoRec.Core.Serving;
using VideoRec.Local.Sqlite;

namespace VideoRec.Cli.Tests;

/// <summary><c>vrec ingest</c> (JSON Lines into the queue table) and <c>vrec worker --until-empty</c> (the queue into the store).</summary>
[Collection(CliCollection.Name)]
public sealed class IngestCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    private string Db => _temp["store.db"];

    private static string At(int minute) =>
        new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero).AddMinutes(minute).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset Time(int minute) => new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero).AddMinutes(minute);

    /// <summary>One event as a JSON line.</summary>
    private static string Line(string id, string user, string type, string? video = null, string? value = null, int minute = 0)
    {
        var text = new StringBuilder($"{{\"eventId\":\"{id}\",\"userId\":\"{user}\",\"type\":\"{type}\"");
        if (video is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $",\"videoId\":\"{video}\"");
        }

        if (value is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $",\"value\":{value}");
        }

        return text.Append(CultureInfo.InvariantCulture, $",\"timestamp\":\"{At(minute)}\"}}").ToString();
    }

    private string Write(string name, params string[] lines)
    {
        var path = _temp[name];
        File.WriteAllText(path, string.Join("\n", lines) + "\n", new UTF8Encoding(false));
        return path;
    }

    private static (int Accepted, int Rejected, int Batches) Counts(string jsonPath)
    {
        var json = Vrec.ReadJson(jsonPath);
        Assert.Equal(["accepted", "rejected", "batches"], json.Select(p => p.Key));
        return ((int)json["accepted"]!, (int)json["rejected"]!, (int)json["batches"]!);
    }

    private static string[] ErrLines(CliResult result) => result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Seven events of u1 (every type but dislike) and a watch of u2, worked out by hand in the tests.</summary>
    private static string[] SampleLines() =>
    [
        Line("e0", "u1", "impression", "1", "2.5", minute: 0),
        Line("e1", "u1", "click", "1", minute: 1),
        Line("e2", "u1", "watch", "1", "30.5", minute: 2),
        Line("e3", "u1", "watch", "2", "12.25", minute: 3),
        Line("e4", "u1", "like", "2", minute: 4),
        Line("e5", "u1", "search", value: "\"cats\"", minute: 5),
        Line("e6", "u1", "share", "1", minute: 6),
        Line("f0", "u2", "watch", "1", "100", minute: 7),
    ];

    [Fact]
    public async Task Ingest_of_valid_lines_queues_one_batch_and_exits_0()
    {
        var file = Write("events.jsonl", SampleLines());

        var result = await Vrec.SucceedsAsync("ingest", "--db", Db, "--file", file, "--json", _temp["ingest.json"]);

        Assert.Equal((8, 0, 1), Counts(_temp["ingest.json"]));
        Assert.Contains("Queued 8 events in 1 batches; refused 0.", result.Out, StringComparison.Ordinal);
        Assert.Equal(1, new SqliteEventQueue(new SqliteDatabase(Db), TimeProvider.System).Count());
    }

    [Fact]
    public async Task Ingest_reports_each_refused_line_by_file_line_and_exits_2()
    {
        var file = Write("mixed.jsonl",
            Line("e0", "u1", "like", "1"),                 // 1 accepted
            "",                                              // 2 blank: skipped, but counted as a line
            "{\"eventId\":\"x\",",                           // 3 not JSON
            Line("e1", "u1", "watch", "2", "30"),           // 4 accepted
            Line("e2", "u1", "poke", "1"),                  // 5 unknown type
            Line("e3", "u2", "watch", "1", "-1"),           // 6 negative watch time
            "[1, 2]",                                        // 7 JSON, but not an event
            Line("e4", "u2", "search", value: "\"q\""));    // 8 accepted

        var result = await Vrec.RunAsync("ingest", "--db", Db, "--file", file, "--json", _temp["ingest.json"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal((3, 4, 1), Counts(_temp["ingest.json"]));
        Assert.Contains("Queued 3 events in 1 batches; refused 4.", result.Out, StringComparison.Ordinal);
        var err = ErrLines(result);
        Assert.Equal(4, err.Length);
        Assert.StartsWith($"{file}:3: not a JSON value: ", err[0], StringComparison.Ordinal);
        Assert.Equal(
            [
                $"{file}:5: type must be one of impression, click, watch, like, dislike, share, comment, search, found 'poke'.",
                $"{file}:6: value must be between 0 and 86400 seconds for a watch, found -1.",
                $"{file}:7: Each event must be a JSON object, found an array.",
            ],
            err[1..]);
        Assert.Equal(1, new SqliteEventQueue(new SqliteDatabase(Db), TimeProvider.System).Count());
    }

    [Fact]
    public async Task Ingest_of_only_refused_lines_queues_nothing_and_exits_2()
    {
        var file = Write("bad.jsonl", "not json", Line("e0", "u1", "like"));

        var result = await Vrec.RunAsync("ingest", "--db", Db, "--file", file, "--json", _temp["ingest.json"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal((0, 2, 0), Counts(_temp["ingest.json"]));
        var err = ErrLines(result);
        Assert.Equal(2, err.Length);
        Assert.StartsWith($"{file}:1: not a JSON value: ", err[0], StringComparison.Ordinal);
        Assert.Equal($"{file}:2: videoId is required.", err[1]);
        Assert.Equal(0, new SqliteEventQueue(new SqliteDatabase(Db), TimeProvider.System).Count());
    }

    [Fact]
    public async Task Ingest_splits_a_large_file_into_batches_of_1000()
    {
        var lines = Enumerable.Range(0, 2345).Select(i => Line($"n{i}", $"user{i % 7}", "impression", $"{1 + (i % 8)}", minute: i % 60)).ToArray();
        var file = Write("many.jsonl", lines);

        await Vrec.SucceedsAsync("ingest", "--db", Db, "--file", file, "--json", _temp["ingest.json"]);

        Assert.Equal((2345, 0, 3), Counts(_temp["ingest.json"]));

        var worker = await Vrec.SucceedsAsync("worker", "--db", Db, "--until-empty");
        Assert.Contains("Processed 3 queue messages and refreshed 0 user vectors; 0 poison entries in total.", worker.Out, StringComparison.Ordinal);
        var store = new SqliteFeatureStore(new SqliteDatabase(Db));
        // user0 has events 0, 7, 14, …, 2338: 335 of them.
        Assert.Equal(335, (await store.GetUserAggregatesAsync("user0", CancellationToken.None))!.Counts["impression"]);
        Assert.Equal(2345, (await Task.WhenAll(Enumerable.Range(1, 8).Select(v => store.GetVideoStatisticsAsync($"{v}", CancellationToken.None)))).Sum(s => s!.Impressions));
    }

    [Fact]
    public async Task Ingest_of_long_valid_events_splits_batches_under_the_body_limit()
    {
        // 1,000 comments of 1,000 characters each: every line is valid, but together they exceed the 1 MiB request body.
        var text = new string('x', 1000);
        var lines = Enumerable.Range(0, 1000).Select(i => Line($"c{i}", "talker", "comment", "1", $"\"{text}\"", minute: i % 60)).ToArray();
        Assert.True(lines.Sum(l => l.Length + 1) > 1 << 20);
        var file = Write("long.jsonl", lines);

        var result = await Vrec.SucceedsAsync("ingest", "--db", Db, "--file", file, "--json", _temp["ingest.json"]);

        var (accepted, rejected, batches) = Counts(_temp["ingest.json"]);
        Assert.Equal((1000, 0, 2), (accepted, rejected, batches));
        Assert.Contains("Queued 1,000 events in 2 batches; refused 0.", result.Out, StringComparison.Ordinal);
        await Vrec.SucceedsAsync("worker", "--db", Db, "--until-empty");
        var aggregates = await new SqliteFeatureStore(new SqliteDatabase(Db)).GetUserAggregatesAsync("talker", CancellationToken.None);
        Assert.Equal(1000, aggregates!.Counts["comment"]);
    }

    [Fact]
    public async Task A_line_larger_than_a_request_body_is_refused_by_line()
    {
        var huge = Line("h1", "u1", "comment", "1", $"\"{new string('y', 1 << 20)}\"");
        var file = Write("huge.jsonl", Line("h0", "u1", "like", "1"), huge, Line("h2", "u1", "like", "2"));

        var result = await Vrec.RunAsync("ingest", "--db", Db, "--file", file, "--json", _temp["ingest.json"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal((2, 1, 1), Counts(_temp["ingest.json"]));
        Assert.Equal([$"{file}:2: the event is {Encoding.UTF8.GetByteCount(huge):N0} bytes; a request body holds at most 1,048,576."], ErrLines(result));
    }

    [Fact]
    public async Task Ingest_of_a_missing_file_is_an_error()
    {
        var missing = _temp["nope.jsonl"];

        var message = await Vrec.FailsWithBadInputAsync("ingest", "--db", Db, "--file", missing);

        Assert.Equal($"--file: {missing} not found.", message);
    }

    [Fact]
    public async Task Worker_until_empty_applies_the_queue_with_hand_computed_aggregates()
    {
        var file = Write("events.jsonl", SampleLines());
        await Vrec.SucceedsAsync("ingest", "--db", Db, "--file", file);

        var result = await Vrec.SucceedsAsync("worker", "--db", Db, "--until-empty");

        Assert.Contains("Processed 1 queue messages and refreshed 0 user vectors; 0 poison entries in total.", result.Out, StringComparison.Ordinal);
        var database = new SqliteDatabase(Db);
        Assert.Equal(0, new SqliteEventQueue(database, TimeProvider.System).Count());
        var store = new SqliteFeatureStore(database);

        var u1 = await store.GetUserAggregatesAsync("u1", CancellationToken.None);
        Assert.NotNull(u1);
        Assert.Equal([("click", 1L), ("impression", 1L), ("like", 1L), ("search", 1L), ("share", 1L), ("watch", 2L)], u1.Counts.Select(c => (c.Key, c.Value)));
        Assert.Equal(42750, u1.WatchMilliseconds);
        Assert.Equal((Time(0), Time(6)), (u1.FirstEventAt, u1.LastEventAt));
        Assert.Equal([new RecentItem("e3", Time(3), "2", Seconds: 12.25), new RecentItem("e2", Time(2), "1", Seconds: 30.5)], u1.Watched);
        Assert.Equal([new RecentItem("e4", Time(4), "2")], u1.Liked);
        Assert.Equal([new RecentItem("e0", Time(0), "1", Seconds: 2.5)], u1.Impressed);
        Assert.Equal([new RecentItem("e5", Time(5), Query: "cats")], u1.Searches);
        Assert.Empty(u1.Disliked);
        Assert.Null(await store.GetUserVectorAsync("u1", CancellationToken.None));

        var video = await store.GetVideoStatisticsAsync("1", CancellationToken.None);
        Assert.NotNull(video);
        Assert.Equal((1L, 1L, 2L, 0L, 0L, 1L, 0L), (video.Impressions, video.Clicks, video.Views, video.Likes, video.Dislikes, video.Shares, video.Comments));
        Assert.Equal(130_500, video.WatchMilliseconds);
        Assert.Equal(0, video.Completions); // no known duration

        // Running it again finds nothing to do.
        var again = await Vrec.SucceedsAsync("worker", "--db", Db, "--until-empty");
        Assert.Contains("Processed 0 queue messages and refreshed 0 user vectors; 0 poison entries in total.", again.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Worker_with_a_model_stores_the_fold_in_vector_of_each_user_with_feedback()
    {
        var data = TinyData.WriteLatest(_temp.Folder("tiny"));
        var models = _temp["models"];
        await Vrec.SucceedsAsync("train", "--data", data, "--output", models, "--factors", "8", "--iterations", "3", "--no-eval");
        var file = Write("events.jsonl",
            Line("m0", "newcomer", "like", "1", minute: 0),
            Line("m1", "newcomer", "watch", "2", "40", minute: 1),
            Line("m2", "newcomer", "impression", "3", minute: 2),
            Line("m3", "searcher", "search", value: "\"heat\"", minute: 3));
        await Vrec.SucceedsAsync("ingest", "--db", Db, "--file", file);

        var result = await Vrec.SucceedsAsync("worker", "--db", Db, "--model", models, "--until-empty");

        Assert.Contains("Processed 1 queue messages and refreshed 1 user vectors; 0 poison entries in total.", result.Out, StringComparison.Ordinal);
        var store = new SqliteFeatureStore(new SqliteDatabase(Db));
        var vector = await store.GetUserVectorAsync("newcomer", CancellationToken.None);
        Assert.NotNull(vector);
        var bundle = ModelBundle.Load(models);
        Assert.Equal(File.ReadAllText(Path.Combine(models, "CURRENT")).Trim(), vector.ModelVersion);
        Assert.Equal(bundle.Version, vector.ModelVersion);
        Assert.Equal(Time(1), vector.AsOf);
        Assert.Equal(8, vector.Vector.Length);
        var history = await store.GetUserEventsAsync("newcomer", CancellationToken.None);
        var expected = new WalsFoldInRefresher(new FixedModelBundleProvider(bundle)).Refresh("newcomer", history, new Dictionary<string, double>());
        Assert.Equal(expected!.Vector, vector.Vector);
        Assert.False((await store.GetServingStateAsync("newcomer", CancellationToken.None)).VectorStale);

        // Searches do not make a vector.
        Assert.Null(await store.GetUserVectorAsync("searcher", CancellationToken.None));
        Assert.NotNull(await store.GetUserAggregatesAsync("searcher", CancellationToken.None));
    }
}
