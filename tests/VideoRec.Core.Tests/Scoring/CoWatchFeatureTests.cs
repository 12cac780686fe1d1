using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.Domain;
using VideoRec.Core.Scoring;

namespace VideoRec.Core.Tests.Scoring;

public sealed class CoWatchFeatureTests
{
    private static readonly DateTimeOffset Now = new(2024, 1, 31, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Ids = ["a", "b", "c", "d"];

    /// <summary>Users: {a, b, c}, {a, b}, {a, c}, {d}. Counts n(a) = 3, n(b) = 2, n(c) = 2, n(d) = 1 (a lone video: no pair).</summary>
    private static readonly int[][] Relevant = [[0, 1, 2], [0, 1], [0, 2, 0], [3]];

    [Fact]
    public void Shrunk_cosine_matches_the_hand_computed_similarities_and_keeps_the_best_first()
    {
        var lists = CoWatchNeighbours.Build(Ids, Relevant, neighbours: 2, shrinkage: 1);

        // s(a, b) = c(a, b) / (√(n(a) n(b)) + λ) = 2 / (√6 + 1); s(a, c) the same; s(b, c) = 1 / (√4 + 1) = 1/3.
        var ab = (float)(2 / (Math.Sqrt(6) + 1));
        Assert.Equal([1, 2], lists.Neighbours(0).ToArray()); // a tie goes to the lower index
        Assert.Equal([ab, ab], lists.Weights(0).ToArray());
        Assert.Equal([0, 2], lists.Neighbours(1).ToArray());
        Assert.Equal(ab, lists.Weights(1)[0], 6);
        Assert.Equal(1f / 3, lists.Weights(1)[1], 6);
        Assert.True(lists.Neighbours(3).IsEmpty);

        var one = CoWatchNeighbours.Build(Ids, Relevant, neighbours: 1, shrinkage: 1);
        Assert.Equal([0], one.Neighbours(2).ToArray());
    }

    [Fact]
    public void The_lists_round_trip_through_a_file_and_a_damaged_file_is_refused_by_name()
    {
        using var folder = new TempFolder();
        var lists = CoWatchNeighbours.Build(Ids, Relevant, neighbours: 2);
        var path = Path.Combine(folder.Path, "cowatch.bin");
        lists.Save(path);

        var copy = CoWatchNeighbours.Load(path);

        Assert.Equal(Ids, copy.Ids);
        for (var v = 0; v < Ids.Length; v++)
        {
            Assert.Equal(lists.Neighbours(v).ToArray(), copy.Neighbours(v).ToArray());
            Assert.Equal(lists.Weights(v).ToArray(), copy.Weights(v).ToArray());
        }

        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^3]);
        var truncated = Assert.Throws<InvalidDataException>(() => CoWatchNeighbours.Load(path));
        Assert.Contains(path, truncated.Message);

        bytes[8] = 0xFF; bytes[9] = 0xFF; bytes[10] = 0xFF; bytes[11] = 0x7F; // the video count: 2³¹ − 1
        File.WriteAllBytes(path, bytes);
        var huge = Assert.Throws<InvalidDataException>(() => CoWatchNeighbours.Load(path));
        Assert.Contains("does not fit the file", huge.Message);

        File.WriteAllBytes(path, [1, 2, 3, 4, 5, 6, 7, 8]);
        Assert.Contains("magic", Assert.Throws<InvalidDataException>(() => CoWatchNeighbours.Load(path)).Message);
    }

    [Fact]
    public void A_cowatch_file_with_a_damaged_id_a_self_neighbour_or_trailing_bytes_is_refused_by_name()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "cowatch.bin");
        CoWatchNeighbours.Build(Ids, Relevant, neighbours: 2).Save(path);
        var good = File.ReadAllBytes(path);
        // Layout: magic, version, count (12 bytes); ids "a".."d" (a length byte and a character each, 8); 5 offsets (20); neighbours.
        string Refusal(byte[] bytes)
        {
            File.WriteAllBytes(path, bytes);
            var error = Assert.Throws<InvalidDataException>(() => CoWatchNeighbours.Load(path));
            Assert.StartsWith(path + ": ", error.Message, StringComparison.Ordinal);
            return error.Message[(path.Length + 2)..];
        }

        byte[] overflow = [.. good[..12], 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, .. good[13..]]; // a 7-bit length of more than 5 bytes
        Assert.StartsWith("Video id 0 is damaged: ", Refusal(overflow), StringComparison.Ordinal);
        byte[] negative = [.. good[..12], 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, .. good[13..]]; // length −1
        Assert.StartsWith("Video id 0 is damaged: ", Refusal(negative), StringComparison.Ordinal);

        var self = good.ToArray();
        BitConverter.GetBytes(0).CopyTo(self, 40); // video a's first neighbour: a
        Assert.Equal("Co-watch neighbour entry 0 points at video 0, outside 0..3 or video 0 itself.", Refusal(self));

        Assert.Equal("2 bytes follow the co-watch lists.", Refusal([.. good, 0, 0]));
    }

    [Fact]
    public void The_cowatch_accumulators_do_not_leak_out_of_a_request_that_threw_midway()
    {
        var layout = new ScoringFeatures(new ScoringFeatureSettings { CoWatch = true });
        var lists = CoWatchNeighbours.FromLists(Ids, [([2, 3], [0.5f, -0.25f]), ([2, 0], [0.25f, 0.125f]), ([], []), ([], [])]);
        var table = new VideoFeatureTable(layout, [.. Ids.Select(id => new VideoScoringInput(id, new Video(id, id), default))], Now, 0, 0, coWatch: lists);
        var assembler = new FeatureAssembler(table);
        MergedCandidate[] candidates = [new("c", 0, [], 0), new("d", 1, [], 0)];
        var rows = new float[candidates.Length * layout.Count];

        // a's lists are accumulated (c 0.5, d −0.25), then reading the second candidate throws.
        Assert.Throws<InvalidOperationException>(() => assembler.Assemble(new ScoringUser { UserId = "u", RecentWatches = ["a"] }, new Failing(candidates, 1), rows));
        assembler.Assemble(new ScoringUser { UserId = "v", RecentWatches = ["b"] }, candidates, rows);

        float At(int row, string block) => rows[row * layout.Count + layout.Offset(block)];
        Assert.Equal(0.25f, At(0, "cowatch_sum")); // b's weight alone, not 0.75
        Assert.Equal(0.25f, At(0, "cowatch_max"));
        Assert.Equal(0f, At(1, "cowatch_sum"));
    }

    [Fact]
    public void Huge_cowatch_weights_give_finite_columns_clamped_to_the_limit()
    {
        var layout = new ScoringFeatures(new ScoringFeatureSettings { CoWatch = true });
        // Finite weights whose sum overflows a float: 3e38 + 3e38 = +∞.
        var lists = CoWatchNeighbours.FromLists(Ids, [([2], [3e38f]), ([2], [3e38f]), ([], []), ([], [])]);
        var table = new VideoFeatureTable(layout, [.. Ids.Select(id => new VideoScoringInput(id, new Video(id, id), default))], Now, 0, 0, coWatch: lists);
        MergedCandidate[] candidates = [new("c", 0, [], 0)];
        var rows = new float[layout.Count];

        new FeatureAssembler(table).Assemble(new ScoringUser { UserId = "u", RecentWatches = ["a", "b"] }, candidates, rows);

        Assert.Equal(FeatureValues.Limit, rows[layout.Offset("cowatch_sum")]);
        Assert.Equal(FeatureValues.Limit, rows[layout.Offset("cowatch_mean")]);
        Assert.Equal(FeatureValues.Limit, rows[layout.Offset("cowatch_max")]);
        Assert.All(rows, x => Assert.True(float.IsFinite(x)));
    }

    [Fact]
    public void Bad_lists_are_refused()
    {
        Assert.Throws<ArgumentException>(() => CoWatchNeighbours.Build(["a", "a"], []));
        Assert.Throws<ArgumentException>(() => CoWatchNeighbours.Build(Ids, [[0, 9]]));
        Assert.Throws<ArgumentException>(() => CoWatchNeighbours.FromLists(Ids, [([0], [1f]), ([], []), ([], []), ([], [])])); // its own neighbour
        Assert.Throws<ArgumentException>(() => CoWatchNeighbours.FromLists(Ids, [([1], [float.NaN]), ([], []), ([], []), ([], [])]));
    }

    [Fact]
    public void The_cowatch_columns_sum_average_and_take_the_largest_weight_over_the_recent_watches()
    {
        var layout = new ScoringFeatures(new ScoringFeatureSettings { CoWatch = true });
        // Signed weights as EASE writes them: a → c 0.5, a → d −0.25; b → c 0.25, b → a 0.125.
        var lists = CoWatchNeighbours.FromLists(Ids, [([2, 3], [0.5f, -0.25f]), ([2, 0], [0.25f, 0.125f]), ([], []), ([], [])]);
        var table = new VideoFeatureTable(layout, [.. Ids.Select(id => new VideoScoringInput(id, new Video(id, id), default))], Now, 0, 0, coWatch: lists);
        var user = new ScoringUser { UserId = "u", RecentWatches = ["a", "b", "unknown"], HistoryLength = 3 };
        MergedCandidate[] candidates = [new("c", 0, [], 0), new("d", 1, [], 0), new("b", 2, [], 0), new("new", 3, [], 0)];
        var rows = new float[candidates.Length * layout.Count];
        var assembler = new FeatureAssembler(table);

        assembler.Assemble(user, candidates, rows);

        float At(int row, string block) => rows[row * layout.Count + layout.Offset(block)];
        Assert.Equal(0.75f, At(0, "cowatch_sum"));
        Assert.Equal(0.375f, At(0, "cowatch_mean")); // two recent watches are known
        Assert.Equal(0.5f, At(0, "cowatch_max"));
        Assert.Equal(-0.25f, At(1, "cowatch_sum"));
        Assert.Equal(0f, At(1, "cowatch_max")); // the largest weight, floored at 0
        Assert.Equal(0f, At(2, "cowatch_sum"));
        Assert.Equal(0f, At(3, "cowatch_sum"));
        Assert.All(Enumerable.Range(0, 4), r => Assert.Equal(0f, At(r, "cowatch_missing")));

        // The accumulators are cleared between requests: a user without recent watches reads the missing defaults.
        assembler.Assemble(new ScoringUser { UserId = "v" }, candidates, rows);
        Assert.All(Enumerable.Range(0, 4), r => Assert.Equal((0f, 1f), (At(r, "cowatch_sum"), At(r, "cowatch_missing"))));
        assembler.Assemble(new ScoringUser { UserId = "w", RecentWatches = ["b"] }, candidates, rows);
        Assert.Equal(0.25f, At(0, "cowatch_sum"));
        Assert.Equal(0f, At(1, "cowatch_sum"));

        // A table without lists: every candidate reads the missing defaults.
        var bare = new VideoFeatureTable(layout, [.. Ids.Select(id => new VideoScoringInput(id, new Video(id, id), default))], Now, 0, 0);
        new FeatureAssembler(bare).Assemble(user, candidates, rows);
        Assert.All(Enumerable.Range(0, 4), r => Assert.Equal(1f, At(r, "cowatch_missing")));
    }

    [Fact]
    public void A_layout_without_cowatch_keeps_the_fingerprint_it_had_before_the_option_existed()
    {
        var layout = new ScoringFeatures(new ScoringFeatureSettings());

        Assert.DoesNotContain("co_watch", layout.ToJson());
        Assert.Equal(layout.Count + 4, new ScoringFeatures(new ScoringFeatureSettings { CoWatch = true }).Count);
        Assert.NotEqual(layout.Fingerprint, new ScoringFeatures(new ScoringFeatureSettings { CoWatch = true }).Fingerprint);
        Assert.True(ScoringFeatures.FromJson(new ScoringFeatures(new ScoringFeatureSettings { CoWatch = true }).ToJson()).Settings.CoWatch);
    }

    [Fact]
    public void The_cowatch_sum_reads_its_own_history_length_and_is_standardised_within_the_request()
    {
        // Tags and the popularity gap read the newest watch only; the co-watch sum the three newest.
        var layout = new ScoringFeatures(new ScoringFeatureSettings { CoWatch = true, RecentWatches = 1, CoWatchHistory = 3, CoWatchNormalized = true });
        // a → d 0.5; b → d 0.25, b → e 1; c → e 0.5, c → f −0.5.
        string[] ids = ["a", "b", "c", "d", "e", "f", "g"];
        var lists = CoWatchNeighbours.FromLists(ids, [([3], [0.5f]), ([3, 4], [0.25f, 1f]), ([4, 5], [0.5f, -0.5f]), ([], []), ([], []), ([], []), ([], [])]);
        var tags = new Dictionary<string, string[]> { ["a"] = ["x"], ["b"] = ["y"], ["d"] = ["y"], ["e"] = ["x"] };
        var table = new VideoFeatureTable(layout, [.. ids.Select(id => new VideoScoringInput(id, new Video(id, id) { Tags = tags.GetValueOrDefault(id) ?? [] }, default))], Now, 0, 0, coWatch: lists);
        var user = new ScoringUser { UserId = "u", RecentWatches = ["a", "b", "c", "g"], HistoryLength = 4 };
        MergedCandidate[] candidates = [new("d", 0, [], 0), new("e", 1, [], 0), new("f", 2, [], 0), new("g", 3, [], 0)];
        var rows = new float[candidates.Length * layout.Count];

        new FeatureAssembler(table).Assemble(user, candidates, rows);

        float At(int row, string block) => rows[row * layout.Count + layout.Offset(block)];
        // Sums over a, b, c (g, the fourth, is past the history): d 0.75, e 1.5, f −0.5, g 0; mean 0.4375.
        Assert.Equal([0.75f, 1.5f, -0.5f, 0f], [.. Enumerable.Range(0, 4).Select(r => At(r, "cowatch_sum"))]);
        Assert.Equal(0.25f, At(0, "cowatch_mean"), 6); // 0.75 / 3
        // Population std of (0.3125, 1.0625, −0.9375, −0.4375): √(2.296875 / 4) = 0.757776.
        var std = Math.Sqrt(2.296875 / 4);
        Assert.Equal((float)(0.3125 / std), At(0, "cowatch_sum_z"), 5);
        Assert.Equal((float)(1.0625 / std), At(1, "cowatch_sum_z"), 5);
        Assert.Equal((float)(-0.9375 / std), At(2, "cowatch_sum_z"), 5);
        Assert.Equal([1 - 1f / 3, 1f, 0f, 1 - 2f / 3], [.. Enumerable.Range(0, 4).Select(r => At(r, "cowatch_sum_percentile"))]); // 1 − rank / 3
        // Only a (tag x) is read by the tag features: e shares it, d (tag y, like b) does not.
        Assert.Equal(0f, At(0, "recent_tag_overlap"));
        Assert.Equal(MathF.Log(2), At(1, "recent_tag_overlap"), 6);

        // Without watches the sum is missing and its z-score and percentile stay 0.
        new FeatureAssembler(table).Assemble(new ScoringUser { UserId = "v" }, candidates, rows);
        Assert.All(Enumerable.Range(0, 4), r => Assert.Equal((1f, 0f, 0f), (At(r, "cowatch_missing"), At(r, "cowatch_sum_z"), At(r, "cowatch_sum_percentile"))));
    }

    [Fact]
    public void The_cowatch_history_and_normalisation_settings_round_trip_and_are_refused_out_of_range_by_name()
    {
        var settings = new ScoringFeatureSettings { CoWatch = true, CoWatchHistory = 500, CoWatchNormalized = true };
        var layout = new ScoringFeatures(settings);

        Assert.Equal(new ScoringFeatures(new ScoringFeatureSettings { CoWatch = true }).Count + 2, layout.Count);
        Assert.Equal(layout.Offset("cowatch_missing") + 1, layout.Offset("cowatch_sum_z"));
        Assert.Contains("\"co_watch_history\":500", layout.ToJson());
        var copy = ScoringFeatures.FromJson(layout.ToJson());
        Assert.Equal((500, true, layout.Fingerprint), (copy.Settings.CoWatchHistory, copy.Settings.CoWatchNormalized, copy.Fingerprint));
        Assert.Equal(50, new ScoringFeatureSettings { CoWatch = true }.CoWatchWatches); // 0: the recent watches

        Assert.StartsWith("co_watch_history must be", Assert.Throws<ArgumentException>(() => new ScoringFeatures(settings with { CoWatchHistory = -1 })).Message);
        Assert.StartsWith("co_watch_history must be", Assert.Throws<ArgumentException>(() => new ScoringFeatures(settings with { CoWatchHistory = ScoringFeatureSettings.MaxRecentWatches + 1 })).Message);
        Assert.Equal("co_watch_history and co_watch_normalized need co_watch.", Assert.Throws<ArgumentException>(() => new ScoringFeatures(settings with { CoWatch = false })).Message);
        Assert.Contains("co_watch_history", Assert.Throws<InvalidDataException>(() => ScoringFeatures.FromJson(layout.ToJson().Replace("\"co_watch_history\":500", "\"co_watch_history\":100000"))).Message);
    }

    [Fact]
    public void Zero_cowatch_weights_neither_overflow_the_touched_list_nor_break_later_requests()
    {
        // Zero weights pass FromLists and Load (finite). a → b 0, a → c 0; b → a 0, b → c 0.5: the two watches visit four
        // neighbour entries of a three-video table, and c is visited first with 0 (it used to be listed twice).
        var layout = new ScoringFeatures(new ScoringFeatureSettings { CoWatch = true, CoWatchHistory = 2, CoWatchNormalized = true });
        string[] ids = ["a", "b", "c"];
        var lists = CoWatchNeighbours.FromLists(ids, [([1, 2], [0f, 0f]), ([0, 2], [0f, 0.5f]), ([], [])]);
        var table = new VideoFeatureTable(layout, [.. ids.Select(id => new VideoScoringInput(id, new Video(id, id), default))], Now, 0, 0, coWatch: lists);
        var assembler = new FeatureAssembler(table);
        MergedCandidate[] candidates = [new("a", 0, [], 0), new("b", 1, [], 0), new("c", 2, [], 0)];
        var rows = new float[candidates.Length * layout.Count];
        float At(int row, string block) => rows[row * layout.Count + layout.Offset(block)];

        assembler.Assemble(new ScoringUser { UserId = "u", RecentWatches = ["a", "b"] }, candidates, rows);

        Assert.Equal([0f, 0f, 0.5f], [.. Enumerable.Range(0, 3).Select(r => At(r, "cowatch_sum"))]);
        Assert.Equal([0f, 0f, 0.25f], [.. Enumerable.Range(0, 3).Select(r => At(r, "cowatch_mean"))]);
        Assert.Equal([0f, 0f, 0.5f], [.. Enumerable.Range(0, 3).Select(r => At(r, "cowatch_max"))]);
        Assert.Equal([0f, 0f, 0f], [.. Enumerable.Range(0, 3).Select(r => At(r, "cowatch_missing"))]);
        // Sums (0, 0, 0.5): mean 1/6, population std √(1/18); z = (−1/√2, −1/√2, √2).
        Assert.Equal(-1 / MathF.Sqrt(2), At(0, "cowatch_sum_z"), 5);
        Assert.Equal(MathF.Sqrt(2), At(2, "cowatch_sum_z"), 5);

        // The next request on the same assembler runs and starts from clean accumulators.
        assembler.Assemble(new ScoringUser { UserId = "v", RecentWatches = ["b"] }, candidates, rows);
        Assert.Equal([0f, 0f, 0.5f], [.. Enumerable.Range(0, 3).Select(r => At(r, "cowatch_sum"))]);
        Assert.Equal(0.5f, At(2, "cowatch_mean"));
    }

    [Fact]
    public void Candidates_with_equal_cowatch_sums_share_one_percentile_whatever_their_order()
    {
        // a → d 1, e 0.5, f 0.5; the 17 other candidates are no neighbour of a (sum 0, as fresh or unlisted videos are).
        var layout = new ScoringFeatures(new ScoringFeatureSettings { CoWatch = true, CoWatchNormalized = true });
        string[] ids = ["a", .. Enumerable.Range(0, 20).Select(i => "c" + i)];
        var lists = CoWatchNeighbours.FromLists(ids, [([1, 2, 3], [1f, 0.5f, 0.5f]), .. Enumerable.Range(0, 20).Select(_ => (Array.Empty<int>(), Array.Empty<float>()))]);
        var table = new VideoFeatureTable(layout, [.. ids.Select(id => new VideoScoringInput(id, new Video(id, id), default))], Now, 0, 0, coWatch: lists);
        var user = new ScoringUser { UserId = "u", RecentWatches = ["a"] };
        var rows = new float[20 * layout.Count];
        var order = Enumerable.Range(0, 20).ToArray();
        new Random(5).Shuffle(order);

        foreach (var candidates in new[] { Enumerable.Range(0, 20).ToArray(), order })
        {
            new FeatureAssembler(table).Assemble(user, [.. candidates.Select((c, i) => new MergedCandidate("c" + c, i, [], 0))], rows);
            var percentile = candidates.Select((c, i) => (c, p: rows[i * layout.Count + layout.Offset("cowatch_sum_percentile")])).ToDictionary(x => x.c, x => x.p);

            // Ranks 0 (c0); 1–2 (c1, c2: mid-rank 1.5); 3–19 (the zeros: mid-rank 11); percentile 1 − rank / 19.
            Assert.Equal(1f, percentile[0]);
            Assert.Equal([1 - 1.5f / 19, 1 - 1.5f / 19], [percentile[1], percentile[2]]);
            Assert.All(Enumerable.Range(3, 17), c => Assert.Equal(1 - 11f / 19, percentile[c], 6));
        }
    }

    /// <summary>A candidate list whose item <c>failAt</c> throws, as a broken caller's list would.</summary>
    private sealed class Failing(IReadOnlyList<MergedCandidate> items, int failAt) : IReadOnlyList<MergedCandidate>
    {
        public MergedCandidate this[int index] => index == failAt ? throw new InvalidOperationException("broken list") : items[index];

        public int Count => items.Count;

        public IEnumerator<MergedCandidate> GetEnumerator() => items.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("vrec-cowatch-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
