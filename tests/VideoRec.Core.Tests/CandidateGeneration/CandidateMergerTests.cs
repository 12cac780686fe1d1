using VideoRec.Core.CandidateGeneration;

namespace VideoRec.Core.Tests.CandidateGeneration;

/// <summary>Reserved quotas, then weighted reciprocal-rank fusion f(v) = Σ w / (60 + rank), on hand-worked examples.</summary>
public sealed class CandidateMergerTests
{
    private static readonly Dictionary<string, double> NoQuotas = [];

    /// <summary>A source's list: ids best first, scores 1, 0.9, 0.8, …</summary>
    private static (string Source, IReadOnlyList<Candidate> Candidates) L(string source, params string[] ids) =>
        (source, ids.Select((id, i) => new Candidate(id, 1f - 0.1f * i, source)).ToArray());

    private static Dictionary<string, double> D(params (string Source, double Value)[] values) =>
        values.ToDictionary(v => v.Source, v => v.Value);

    [Fact]
    public void Fusion_orders_by_the_sum_of_reciprocal_ranks_with_ties_by_id()
    {
        // f(a2) = 1/61 + 1/61 = 0.03279 (second in both lists); f(a1) = f(b1) = 1/60 = 0.01667 (tie → id order);
        // f(a3) = 1/62 = 0.01613.
        var merged = CandidateMerger.Merge([L("A", "a1", "a2", "a3"), L("B", "b1", "a2")], NoQuotas, 10);

        Assert.Equal(["a2", "a1", "b1", "a3"], merged.Select(m => m.VideoId));
        Assert.Equal([0, 1, 2, 3], merged.Select(m => m.Position));
        Assert.Equal(2.0 / 61, merged[0].FusedScore, 12);
        Assert.Equal(1.0 / 62, merged[3].FusedScore, 12);
        // a2: equal contributions → the first source listed took it; provenance keeps each source's score and rank.
        Assert.Equal([new CandidateProvenance("A", 0.9f, 1), new CandidateProvenance("B", 0.9f, 1)], merged[0].Sources);
        Assert.Equal(0.9f, merged[0].ScoreFrom("B"));
        Assert.Null(merged[2].ScoreFrom("A"));
    }

    [Fact]
    public void Weights_scale_each_source_contribution_and_pick_the_chooser()
    {
        // Weights A 1, B 3: f(x) = 1/61 (A rank 1) + 3/60 (B rank 0) = 0.06639, taken by B (3/60 > 1/61);
        // f(b2) = 3/61 = 0.04918; f(a1) = 1/60 = 0.01667.
        var merged = CandidateMerger.Merge([L("A", "a1", "x"), L("B", "x", "b2")], NoQuotas, 10, weights: D(("A", 1), ("B", 3)));

        Assert.Equal(["x", "b2", "a1"], merged.Select(m => m.VideoId));
        Assert.Equal(["B", "A"], merged[0].Sources.Select(s => s.Source));
        Assert.Equal(1.0 / 61 + 3.0 / 60, merged[0].FusedScore, 12);
    }

    [Fact]
    public void Quotas_reserve_slots_that_fusion_alone_would_not_give()
    {
        // B's weight is tiny: by fusion alone the 5 slots go to a1…a5. B's quota 0.4 of 5 reserves ⌊2⌋ slots: b1, b2.
        // The other 3 go by fused score: a1 (1/60), a2 (1/61), a3 (1/62). Order by fused score: a1, a2, a3, then
        // b1 (0.1/60 = 0.00167), b2 (0.1/61 = 0.00164).
        var lists = new[] { L("A", "a1", "a2", "a3", "a4", "a5"), L("B", "b1", "b2", "b3", "b4", "b5") };
        var weights = D(("A", 1), ("B", 0.1));

        var withoutQuota = CandidateMerger.Merge(lists, NoQuotas, 5, weights: weights);
        var withQuota = CandidateMerger.Merge(lists, D(("B", 0.4)), 5, weights: weights);

        Assert.Equal(["a1", "a2", "a3", "a4", "a5"], withoutQuota.Select(m => m.VideoId));
        Assert.Equal(["a1", "a2", "a3", "b1", "b2"], withQuota.Select(m => m.VideoId));
        Assert.Equal("B", withQuota[3].Sources[0].Source);
    }

    [Fact]
    public void Reservations_go_in_source_order_and_skip_videos_already_taken()
    {
        // count 2, quotas 0.5 each → one reserved slot each. A reserves s1; B's best is s1 (taken) → B reserves s3.
        var merged = CandidateMerger.Merge([L("A", "s1", "s2"), L("B", "s1", "s3")], D(("A", 0.5), ("B", 0.5)), 2);

        Assert.Equal(["s1", "s3"], merged.Select(m => m.VideoId));
        Assert.Equal(["A", "B"], merged[0].Sources.Select(s => s.Source));
        Assert.Equal("B", merged[1].Sources[0].Source);
    }

    [Fact]
    public void Each_source_gets_at_least_its_reserved_share_on_seeded_random_quotas()
    {
        var random = new Random(4242);
        for (var trial = 0; trial < 300; trial++)
        {
            var sources = random.Next(1, 5);
            var quotas = new Dictionary<string, double>();
            var left = 20;
            for (var s = 0; s < sources; s++)
            {
                var units = random.Next(0, left + 1);
                quotas[$"s{s}"] = units * 0.05;
                left -= units;
            }

            var count = random.Next(1, 60);
            // Overlapping lists: every source also proposes the previous source's first videos.
            var lists = quotas.Keys.Select((s, i) => L(s, [.. Enumerable.Range(0, 3).Select(j => $"s{Math.Max(0, i - 1)}-{j}"), .. Enumerable.Range(0, count).Select(j => $"{s}-{j}")])).ToArray();
            var merged = CandidateMerger.Merge(lists, quotas, count);

            Assert.Equal(count, merged.Count);
            Assert.Equal(count, merged.Select(m => m.VideoId).Distinct().Count());
            foreach (var (source, quota) in quotas)
            {
                var taken = merged.Count(m => m.Sources[0].Source == source);
                Assert.True(taken >= (int)Math.Floor(quota * count + 1e-9), $"trial {trial}: {source} quota {quota} of {count} took {taken}");
            }
        }
    }

    [Fact]
    public void Excluded_videos_are_dropped_from_every_source_and_ranks_close_up()
    {
        var merged = CandidateMerger.Merge([L("A", "x", "a1"), L("B", "b1", "x")], NoQuotas, 10, new HashSet<string> { "x" });

        Assert.Equal(["a1", "b1"], merged.Select(m => m.VideoId));
        Assert.Equal(new CandidateProvenance("A", 0.9f, 0), merged[0].Sources.Single()); // a1 is A's first usable video
    }

    [Fact]
    public void A_video_repeated_within_one_list_counts_once_at_its_first_rank()
    {
        var merged = CandidateMerger.Merge([L("A", "a", "a", "b")], NoQuotas, 10);

        Assert.Equal(["a", "b"], merged.Select(m => m.VideoId));
        Assert.Equal(new CandidateProvenance("A", 1f, 0), merged[0].Sources.Single());
        Assert.Equal(new CandidateProvenance("A", 0.8f, 1), merged[1].Sources.Single()); // b: score of its own row, rank among usable videos
    }

    [Fact]
    public void Count_cuts_the_list_returns_every_distinct_video_when_larger_and_must_be_positive()
    {
        var lists = new[] { L("A", "a1", "a2"), L("B", "a2", "b1") };

        Assert.Equal(["a2"], CandidateMerger.Merge(lists, NoQuotas, 1).Select(m => m.VideoId));
        Assert.Equal(3, CandidateMerger.Merge(lists, NoQuotas, 100).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => CandidateMerger.Merge(lists, NoQuotas, 0));
    }
}
